// This file is compiled into the runtime library and, linked, into the generator (there into StaticNet.Generator.Shared,
// so that a project that sees both assemblies has no two types of one name). Keep it netstandard2.0-compatible.
#if STATICNET_GENERATOR
namespace StaticNet.Generator.Shared
#else
namespace StaticNet
#endif
{
    /// <summary>The loss a network is trained on, for one sample with output <c>a</c> and target <c>t</c> of length <c>n</c>.</summary>
    /// <remarks>The numeric values are part of the contract between the runtime library and the generator: do not renumber.</remarks>
    public enum Loss
    {
        /// <summary>Mean over the outputs of <c>(a - t)²</c>, as PyTorch's <c>MSELoss</c>.</summary>
        MeanSquaredError = 0,

        /// <summary>
        /// Categorical cross-entropy <c>-Σ t·log p</c> over a <see cref="Activation.Softmax"/> output. The gradient
        /// with respect to the logits is the fused <c>p·Σt - t</c> (<c>p - t</c> for a target that sums to one),
        /// never the product with the softmax Jacobian. Probabilities are clamped to [1e-7, 1 - 1e-7] for the value.
        /// </summary>
        CrossEntropy = 1,

        /// <summary>
        /// Binary cross-entropy <c>-mean(t·log p + (1 - t)·log(1 - p))</c> over a <see cref="Activation.Sigmoid"/>
        /// output, with the fused gradient <c>(p - t) / n</c> with respect to the logits. Probabilities are clamped
        /// to [1e-7, 1 - 1e-7] for the value.
        /// </summary>
        BinaryCrossEntropy = 2,
    }
}
