using System;
using System.Numerics;
using System.Numerics.Tensors;

namespace StaticNet.Training;

/// <summary>
/// Adam, with the definitions and defaults of PyTorch's <c>torch.optim.Adam</c> (L2 weight decay added to the gradient):
/// <c>m = β1·m + (1 − β1)·g</c>, <c>v = β2·v + (1 − β2)·g²</c>,
/// <c>p = p − (learningRate / (1 − β1^t))·m / (√v / √(1 − β2^t) + ε)</c>.
/// </summary>
/// <typeparam name="T">The scalar type of the network.</typeparam>
public class Adam<T> : Optimizer<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[] _m;
    private readonly T[] _v;
    private readonly T[] _work;
    private readonly bool _decoupled;

    /// <summary>Creates the optimizer; its state is allocated here, once.</summary>
    /// <param name="parameterCount">The number of parameters (the network's <c>ParameterCount</c>).</param>
    /// <param name="learningRate">The step size; PyTorch's default 1e-3.</param>
    /// <param name="beta1">Decay of the first moment; default 0.9.</param>
    /// <param name="beta2">Decay of the second moment; default 0.999.</param>
    /// <param name="epsilon">Added to the denominator; default 1e-8.</param>
    /// <param name="weightDecay">L2 penalty added to the gradient; default 0.</param>
    public Adam(int parameterCount, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 0)
        : this(parameterCount, learningRate, beta1, beta2, epsilon, weightDecay, decoupled: false)
    {
    }

    private protected Adam(int parameterCount, double learningRate, double beta1, double beta2, double epsilon, double weightDecay, bool decoupled)
        : base(parameterCount, learningRate)
    {
        Beta1 = InRange(beta1, 0, 1, nameof(beta1));
        Beta2 = InRange(beta2, 0, 1, nameof(beta2));
        Epsilon = InRange(epsilon, 0, double.MaxValue, nameof(epsilon));
        WeightDecay = InRange(weightDecay, 0, double.MaxValue, nameof(weightDecay));
        _decoupled = decoupled;
        _m = new T[parameterCount];
        _v = new T[parameterCount];
        _work = new T[parameterCount];
    }

    /// <summary>Decay of the first moment.</summary>
    public double Beta1 { get; }

    /// <summary>Decay of the second moment.</summary>
    public double Beta2 { get; }

    /// <summary>Added to the denominator for numerical stability.</summary>
    public double Epsilon { get; }

    /// <summary>The weight decay: an L2 penalty for <see cref="Adam{T}"/>, decoupled for <see cref="AdamW{T}"/>.</summary>
    public double WeightDecay { get; }

    /// <inheritdoc/>
    protected override void Update(Span<T> parameters, ReadOnlySpan<T> gradients, long step)
    {
        ReadOnlySpan<T> g = gradients;
        if (WeightDecay > 0)
        {
            if (_decoupled)
            {
                TensorPrimitives.Multiply(parameters, Scalar(1 - (LearningRate * WeightDecay)), parameters);
            }
            else
            {
                TensorPrimitives.MultiplyAdd(parameters, Scalar(WeightDecay), gradients, _work);
                g = _work;
            }
        }

        // m = β1 m + (1 − β1) g; v = β2 v + (1 − β2) g².
        TensorPrimitives.Multiply(_m, Scalar(Beta1), _m);
        TensorPrimitives.MultiplyAdd(g, Scalar(1 - Beta1), _m, _m);
        TensorPrimitives.Multiply(_v, Scalar(Beta2), _v);
        TensorPrimitives.Multiply(g, g, _work);
        TensorPrimitives.MultiplyAdd(_work, Scalar(1 - Beta2), _v, _v);

        // p −= (lr / (1 − β1^t)) m / (√v / √(1 − β2^t) + ε).
        double biasCorrection1 = 1 - Math.Pow(Beta1, step);
        double biasCorrection2 = 1 - Math.Pow(Beta2, step);
        TensorPrimitives.Sqrt(_v, _work);
        TensorPrimitives.Divide(_work, Scalar(Math.Sqrt(biasCorrection2)), _work);
        TensorPrimitives.Add(_work, Scalar(Epsilon), _work);
        TensorPrimitives.Divide(_m, _work, _work);
        TensorPrimitives.MultiplyAdd(_work, Scalar(-LearningRate / biasCorrection1), parameters, parameters);
    }

    /// <inheritdoc/>
    public override void Reset()
    {
        base.Reset();
        Array.Clear(_m);
        Array.Clear(_v);
    }
}

/// <summary>
/// AdamW, with the definitions and defaults of PyTorch's <c>torch.optim.AdamW</c>: Adam whose weight decay is decoupled
/// from the gradient, <c>p = p·(1 − learningRate·weightDecay)</c> before the Adam step; default weight decay 1e-2.
/// </summary>
/// <typeparam name="T">The scalar type of the network.</typeparam>
public sealed class AdamW<T> : Adam<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates the optimizer; its state is allocated here, once.</summary>
    /// <param name="parameterCount">The number of parameters (the network's <c>ParameterCount</c>).</param>
    /// <param name="learningRate">The step size; PyTorch's default 1e-3.</param>
    /// <param name="beta1">Decay of the first moment; default 0.9.</param>
    /// <param name="beta2">Decay of the second moment; default 0.999.</param>
    /// <param name="epsilon">Added to the denominator; default 1e-8.</param>
    /// <param name="weightDecay">Decoupled weight decay; default 1e-2.</param>
    public AdamW(int parameterCount, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 1e-2)
        : base(parameterCount, learningRate, beta1, beta2, epsilon, weightDecay, decoupled: true)
    {
    }
}
