using System;
using System.Numerics;

namespace StaticNet.Training;

/// <summary>
/// Updates a network's flat parameter span from a gradient span of the same layout. State (momentum, moments) is
/// allocated once, sized by the parameter count given to the constructor; <see cref="Step"/> allocates nothing.
/// </summary>
/// <typeparam name="T">The scalar type of the network.</typeparam>
public interface IOptimizer<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The number of parameters this optimizer updates.</summary>
    int ParameterCount { get; }

    /// <summary>The step size of the next <see cref="Step"/>; schedules change it between steps.</summary>
    double LearningRate { get; set; }

    /// <summary>The number of steps taken since construction or the last <see cref="Reset"/>.</summary>
    long Steps { get; }

    /// <summary>Takes one optimisation step: changes <paramref name="parameters"/> using <paramref name="gradients"/>.</summary>
    /// <param name="parameters">The parameters to update, <see cref="ParameterCount"/> values.</param>
    /// <param name="gradients">dLoss/dParameters in the same layout, <see cref="ParameterCount"/> values.</param>
    /// <exception cref="ArgumentException">
    /// A span does not have <see cref="ParameterCount"/> values, or <paramref name="gradients"/> partly overlaps
    /// <paramref name="parameters"/>.
    /// </exception>
    void Step(Span<T> parameters, ReadOnlySpan<T> gradients);

    /// <summary>Forgets the state (momentum, moments, step count), as a new optimizer with the same settings.</summary>
    void Reset();
}

/// <summary>What the optimizers share: the parameter count, the learning rate, the step count and the length checks.</summary>
/// <typeparam name="T">The scalar type of the network.</typeparam>
public abstract class Optimizer<T> : IOptimizer<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Initialises the shared state.</summary>
    /// <param name="parameterCount">The number of parameters (the network's <c>ParameterCount</c>).</param>
    /// <param name="learningRate">The step size; must be positive and finite.</param>
    protected Optimizer(int parameterCount, double learningRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(parameterCount);
        ParameterCount = parameterCount;
        LearningRate = learningRate;
    }

    /// <inheritdoc/>
    public int ParameterCount { get; }

    /// <inheritdoc/>
    public double LearningRate
    {
        get;
        set
        {
            if (!double.IsFinite(value) || value < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "The learning rate must be finite and not negative.");
            }

            field = value;
        }
    }

    /// <inheritdoc/>
    public long Steps { get; private set; }

    /// <inheritdoc/>
    public void Step(Span<T> parameters, ReadOnlySpan<T> gradients)
    {
        if (parameters.Length != ParameterCount)
        {
            GeneratedCodeHelpers.ThrowLengthMismatch(nameof(parameters), ParameterCount, parameters.Length);
        }

        if (gradients.Length != ParameterCount)
        {
            GeneratedCodeHelpers.ThrowLengthMismatch(nameof(gradients), ParameterCount, gradients.Length);
        }

        // Exactly the same memory updates each value from itself; a shifted overlap would read gradients the pass has
        // already overwritten (TensorPrimitives, which the optimizers used before, refused it too).
        if (parameters.Overlaps(gradients, out int elementOffset) && elementOffset != 0)
        {
            throw new ArgumentException("'gradients' partly overlaps 'parameters': an optimizer step writes the parameters while it reads the gradients; pass a separate gradient buffer.", nameof(gradients));
        }

        Steps++;
        Update(parameters, gradients, Steps);
    }

    /// <inheritdoc/>
    public virtual void Reset() => Steps = 0;

    /// <summary>The update of one step; the lengths are checked.</summary>
    /// <param name="parameters">The parameters to update.</param>
    /// <param name="gradients">dLoss/dParameters.</param>
    /// <param name="step">The number of this step, from 1.</param>
    protected abstract void Update(Span<T> parameters, ReadOnlySpan<T> gradients, long step);

    /// <summary>Converts a hyper-parameter to the scalar type.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The value as <typeparamref name="T"/>.</returns>
    protected static T Scalar(double value) => T.CreateChecked(value);

    /// <summary>Checks that a hyper-parameter lies in [<paramref name="min"/>, <paramref name="max"/>).</summary>
    /// <param name="value">The value.</param>
    /// <param name="min">The smallest allowed value.</param>
    /// <param name="max">The first value not allowed.</param>
    /// <param name="name">The parameter name for the exception.</param>
    /// <returns><paramref name="value"/>.</returns>
    protected static double InRange(double value, double min, double max, string name) =>
        double.IsFinite(value) && value >= min && value < max
            ? value
            : throw new ArgumentOutOfRangeException(name, value, $"'{name}' must be in [{min}, {max}).");
}
