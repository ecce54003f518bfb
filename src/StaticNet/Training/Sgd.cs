using System;
using System.Numerics;
using System.Numerics.Tensors;

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
    private readonly T[] _gradient;

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
        _gradient = momentum > 0 || weightDecay > 0 ? new T[parameterCount] : [];
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
    protected override void Update(Span<T> parameters, ReadOnlySpan<T> gradients, long step)
    {
        ReadOnlySpan<T> g = gradients;
        if (WeightDecay > 0)
        {
            TensorPrimitives.MultiplyAdd(parameters, Scalar(WeightDecay), gradients, _gradient);
            g = _gradient;
        }

        if (Momentum > 0)
        {
            if (step == 1)
            {
                g.CopyTo(_momentumBuffer);
            }
            else
            {
                TensorPrimitives.Multiply(_momentumBuffer, Scalar(Momentum), _momentumBuffer);
                TensorPrimitives.MultiplyAdd(g, Scalar(1 - Dampening), _momentumBuffer, _momentumBuffer);
            }

            if (Nesterov)
            {
                TensorPrimitives.MultiplyAdd(_momentumBuffer, Scalar(Momentum), g, _gradient);
                g = _gradient;
            }
            else
            {
                g = _momentumBuffer;
            }
        }

        TensorPrimitives.MultiplyAdd(g, Scalar(-LearningRate), parameters, parameters);
    }

    /// <inheritdoc/>
    public override void Reset()
    {
        base.Reset();
        Array.Clear(_momentumBuffer);
    }
}
