// This file is compiled into the runtime library and, linked, into the generator (as dotnet/runtime's Regex generator
// links the runtime's files; there into StaticNet.Generator.Shared, so that a project that sees both assemblies has no
// two types of one name): the enum and its facts are written once. Keep it netstandard2.0-compatible.
#if STATICNET_GENERATOR
namespace StaticNet.Generator.Shared
#else
namespace StaticNet
#endif
{
    /// <summary>The activation function applied to the outputs of a layer.</summary>
    /// <remarks>
    /// The numeric values are part of the contract between the runtime library and the generator: do not renumber. An
    /// element-wise activation is one struct in <c>src/StaticNet/Kernels/Activations/</c>, named as its member here, plus
    /// its row in <see cref="ActivationFacts"/>.
    /// </remarks>
    public enum Activation
    {
        /// <summary><c>f(z) = z</c>.</summary>
        Identity = 0,

        /// <summary><c>f(z) = max(z, 0)</c>; the derivative at 0 is taken as 0, as in PyTorch.</summary>
        ReLU = 1,

        /// <summary><c>f(z) = z</c> for <c>z &gt; 0</c>, otherwise <c>0.01·z</c>.</summary>
        LeakyReLU = 2,

        /// <summary><c>f(z) = 1 / (1 + e^-z)</c>.</summary>
        Sigmoid = 3,

        /// <summary><c>f(z) = tanh(z)</c>.</summary>
        Tanh = 4,

        /// <summary><c>f(z)_i = e^(z_i - max z) / Σ_j e^(z_j - max z)</c>; only allowed on the last layer.</summary>
        Softmax = 5,

        /// <summary><c>f(z) = z·Φ(z) = z/2·(1 + erf(z/√2))</c>: the exact GELU, PyTorch's <c>nn.GELU()</c> default.</summary>
        Gelu = 6,

        /// <summary><c>f(z) = z·σ(z) = z / (1 + e^-z)</c>, PyTorch's <c>nn.SiLU</c>.</summary>
        Silu = 7,

        /// <summary><c>f(z) = z</c> for <c>z &gt; 0</c>, otherwise <c>e^z - 1</c> (α = 1, PyTorch's <c>nn.ELU()</c>).</summary>
        Elu = 8,

        /// <summary><c>f(z) = log(1 + e^z)</c>, and <c>z</c> itself above 20 (PyTorch's <c>nn.Softplus()</c>: β = 1, threshold 20).</summary>
        Softplus = 9,
    }

    /// <summary>The weight initialisation of a layer, chosen by its activation.</summary>
    internal enum Initializer
    {
        /// <summary>Glorot (Xavier) uniform: <c>±√(6 / (in + out))</c>.</summary>
        Glorot = 0,

        /// <summary>He (Kaiming) uniform: <c>±√(6 / in)</c>, for the ReLU family.</summary>
        He = 1,
    }

    /// <summary>What the generator and the kernels need to know about each <see cref="Activation"/>, in one place.</summary>
    internal static class ActivationFacts
    {
        /// <summary>The largest defined value: what the generator accepts as an activation.</summary>
        public const int MaxValue = (int)Activation.Softplus;

        /// <summary>Whether <paramref name="activation"/> is a defined member of the enum.</summary>
        public static bool IsDefined(int activation) => activation >= 0 && activation <= MaxValue;

        /// <summary>Whether the activation acts on each output alone (all but <see cref="Activation.Softmax"/>, which acts on the layer's outputs together).</summary>
        public static bool IsElementwise(Activation activation) => activation != Activation.Softmax;

        /// <summary>The initialisation of the weights of a layer with this activation: He for the ReLU family, Glorot otherwise.</summary>
        public static Initializer InitializerOf(Activation activation) => activation switch
        {
            Activation.ReLU or Activation.LeakyReLU or Activation.Gelu or Activation.Silu or Activation.Elu => Initializer.He,
            _ => Initializer.Glorot,
        };

        /// <summary>
        /// Whether the gradient needs the pre-activation <c>z</c> (and not only the activation <c>f(z)</c>): the networks
        /// then keep each such layer's pre-activations for the backward pass.
        /// </summary>
        public static bool GradientUsesPreActivation(Activation activation) => activation is Activation.Gelu or Activation.Silu or Activation.Softplus;
    }
}
