using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using StaticNet.Kernels;

namespace StaticNet.Training;

/// <summary>
/// Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and L2 weight decay, with the
/// definitions and defaults of PyTorch's <c>torch.optim.SGD</c>:
/// <c>g = grad + weightDecay·p</c>; with momentum <c>b = g</c> on the first step, then <c>b = momentum·b + (1 − dampening)·g</c>,
/// and <c>g = nesterov ? g + momentum·b : b</c>; finally <c>p = p − learningRate·g</c>.
/// </summary>
/// <typeparam name="T">The scalar type of the network.</typeparam>
public sealed class Sgd<T> : Optimizer<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[] _momentumBuffer;

    /// <summary>Creates the optimizer; its state is allocated here, once.</summary>
    /// <param name="parameterCount">The number of parameters (the network's <c>ParameterCount</c>).</param>
    /// <param name="learningRate">The step size (PyTorch has no default).</param>
    /// <param name="momentum">The momentum factor; 0 (the default) for plain SGD.</param>
    /// <param name="dampening">Dampening of the momentum; default 0.</param>
    /// <param name="weightDecay">L2 penalty added to the gradient; default 0.</param>
    /// <param name="nesterov">Nesterov momentum; needs a momentum and no dampening.</param>
    public Sgd(int parameterCount, double learningRate, double momentum = 0, double dampening = 0, double weightDecay = 0, bool nesterov = false)
        : base(parameterCount, learningRate)
    {
        Momentum = InRange(momentum, 0, double.MaxValue, nameof(momentum));
        Dampening = InRange(dampening, 0, double.MaxValue, nameof(dampening));
        WeightDecay = InRange(weightDecay, 0, double.MaxValue, nameof(weightDecay));
        if (nesterov && (momentum <= 0 || dampening != 0))
        {
            throw new ArgumentException("Nesterov momentum needs a momentum above zero and no dampening, as in PyTorch.", nameof(nesterov));
        }

        Nesterov = nesterov;
        _momentumBuffer = momentum > 0 ? new T[parameterCount] : [];
    }

    /// <summary>The momentum factor.</summary>
    public double Momentum { get; }

    /// <summary>The dampening of the momentum.</summary>
    public double Dampening { get; }

    /// <summary>The L2 penalty added to the gradient.</summary>
    public double WeightDecay { get; }

    /// <summary>Whether Nesterov momentum is used.</summary>
    public bool Nesterov { get; }

    /// <inheritdoc/>
    protected override void Update(Span<T> parameters, ReadOnlySpan<T> gradients, long step) =>
        ElementWise.Run(
            new SgdUpdate<float>(LearningRate, Momentum, Dampening, WeightDecay, Nesterov, firstStep: step == 1),
            new SgdUpdate<double>(LearningRate, Momentum, Dampening, WeightDecay, Nesterov, firstStep: step == 1),
            parameters,
            gradients,
            _momentumBuffer,
            []);

    /// <inheritdoc/>
    public override void Reset()
    {
        base.Reset();
        Array.Clear(_momentumBuffer);
    }
}

/// <summary>
/// <see cref="Sgd{T}"/>'s update of one vector, in the order of PyTorch's <c>torch.optim.SGD</c>, each operation rounded
/// on its own (no fused multiply-add): <c>g += weightDecay·p</c>; <c>b = g</c> on the first step, then
/// <c>b = momentum·b + (1 − dampening)·g</c>; <c>g = nesterov ? g + momentum·b : b</c>; <c>p −= learningRate·g</c>.
/// </summary>
/// <typeparam name="T">The scalar type.</typeparam>
internal readonly struct SgdUpdate<T> : IElementUpdate<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly T _weightDecay;
    private readonly T _momentum;
    private readonly T _gradientShare;
    private readonly T _negatedRate;
    private readonly bool _decay;
    private readonly bool _hasMomentum;
    private readonly bool _firstStep;
    private readonly bool _nesterov;

    /// <summary>Converts the hyper-parameters (as <see cref="Sgd{T}"/> has them) to the scalar type.</summary>
    public SgdUpdate(double learningRate, double momentum, double dampening, double weightDecay, bool nesterov, bool firstStep)
    {
        _weightDecay = T.CreateChecked(weightDecay);
        _momentum = T.CreateChecked(momentum);
        _gradientShare = T.CreateChecked(1 - dampening);
        _negatedRate = T.CreateChecked(-learningRate);
        _decay = weightDecay > 0;
        _hasMomentum = momentum > 0;
        _firstStep = firstStep;
        _nesterov = nesterov;
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
            g = TSimd.Add(TSimd.Multiply(p, TSimd.Create(_weightDecay)), g);
        }

        if (_hasMomentum)
        {
            TVector b = _firstStep
                ? g
                : TSimd.Add(TSimd.Multiply(g, TSimd.Create(_gradientShare)), TSimd.Multiply(TSimd.Load(ref first, offset), TSimd.Create(_momentum)));
            TSimd.Store(b, ref first, offset);
            g = _nesterov ? TSimd.Add(TSimd.Multiply(b, TSimd.Create(_momentum)), g) : b;
        }

        TSimd.Store(TSimd.Add(TSimd.Multiply(g, TSimd.Create(_negatedRate)), p), ref parameters, offset);
    }
}
