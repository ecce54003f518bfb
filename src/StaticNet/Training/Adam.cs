using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using StaticNet.Kernels;

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
        double biasCorrection1 = 1 - Math.Pow(Beta1, step);
        double biasCorrection2 = 1 - Math.Pow(Beta2, step);
        ElementWise.Run(
            new AdamUpdate<float>(LearningRate, Beta1, Beta2, Epsilon, WeightDecay, _decoupled, biasCorrection1, biasCorrection2),
            new AdamUpdate<double>(LearningRate, Beta1, Beta2, Epsilon, WeightDecay, _decoupled, biasCorrection1, biasCorrection2),
            parameters,
            gradients,
            _m,
            _v);
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

/// <summary>
/// <see cref="Adam{T}"/>'s update of one vector, in the order of PyTorch's <c>torch.optim.Adam</c> and <c>AdamW</c>, each
/// operation rounded on its own (no fused multiply-add): decoupled decay <c>p = p·(1 − learningRate·weightDecay)</c>, or
/// L2 decay <c>g += weightDecay·p</c>; <c>m = β1·m + (1 − β1)·g</c>; <c>v = β2·v + (1 − β2)·g²</c>;
/// <c>p −= (learningRate / (1 − β1^t))·m / (√v / √(1 − β2^t) + ε)</c>.
/// </summary>
/// <typeparam name="T">The scalar type.</typeparam>
internal readonly struct AdamUpdate<T> : IElementUpdate<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly T _weightDecay;
    private readonly T _shrink;
    private readonly T _beta1;
    private readonly T _gradientShare1;
    private readonly T _beta2;
    private readonly T _gradientShare2;
    private readonly T _rootCorrection2;
    private readonly T _epsilon;
    private readonly T _negatedStep;
    private readonly bool _decay;
    private readonly bool _decoupled;

    /// <summary>Converts the hyper-parameters (as <see cref="Adam{T}"/> has them) and this step's bias corrections to the scalar type.</summary>
    public AdamUpdate(double learningRate, double beta1, double beta2, double epsilon, double weightDecay, bool decoupled, double biasCorrection1, double biasCorrection2)
    {
        _weightDecay = T.CreateChecked(weightDecay);
        _shrink = T.CreateChecked(1 - (learningRate * weightDecay));
        _beta1 = T.CreateChecked(beta1);
        _gradientShare1 = T.CreateChecked(1 - beta1);
        _beta2 = T.CreateChecked(beta2);
        _gradientShare2 = T.CreateChecked(1 - beta2);
        _rootCorrection2 = T.CreateChecked(Math.Sqrt(biasCorrection2));
        _epsilon = T.CreateChecked(epsilon);
        _negatedStep = T.CreateChecked(-learningRate / biasCorrection1);
        _decay = weightDecay > 0;
        _decoupled = decoupled;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply<TSimd, TVector>(ref T parameters, ref T gradients, ref T first, ref T second, nuint offset)
        where TSimd : ISimd<T, TVector>
        where TVector : struct
    {
        TVector p = TSimd.Load(ref parameters, offset);
        TVector g = TSimd.Load(ref gradients, offset);
        if (_decay)
        {
            if (_decoupled)
            {
                p = TSimd.Multiply(p, TSimd.Create(_shrink));
            }
            else
            {
                g = TSimd.Add(TSimd.Multiply(p, TSimd.Create(_weightDecay)), g);
            }
        }

        TVector m = TSimd.Add(TSimd.Multiply(g, TSimd.Create(_gradientShare1)), TSimd.Multiply(TSimd.Load(ref first, offset), TSimd.Create(_beta1)));
        TVector v = TSimd.Add(TSimd.Multiply(TSimd.Multiply(g, g), TSimd.Create(_gradientShare2)), TSimd.Multiply(TSimd.Load(ref second, offset), TSimd.Create(_beta2)));
        TSimd.Store(m, ref first, offset);
        TSimd.Store(v, ref second, offset);
        TVector denominator = TSimd.Add(TSimd.Divide(TSimd.Sqrt(v), TSimd.Create(_rootCorrection2)), TSimd.Create(_epsilon));
        TSimd.Store(TSimd.Add(TSimd.Multiply(TSimd.Divide(m, denominator), TSimd.Create(_negatedStep)), p), ref parameters, offset);
    }
}
