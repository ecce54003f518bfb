namespace StaticNet;

/// <summary>The activation function applied to the outputs of a dense layer.</summary>
/// <remarks>The numeric values are part of the contract between the runtime library and the generator: do not renumber.</remarks>
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
}
