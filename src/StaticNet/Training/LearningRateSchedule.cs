using System;

namespace StaticNet.Training;

/// <summary>What a schedule counts: epochs (PyTorch's schedulers, stepped once per epoch) or optimizer steps (batches).</summary>
public enum ScheduleUnit
{
    /// <summary>The rate changes between epochs; the counter is the number of epochs done.</summary>
    Epoch,

    /// <summary>The rate changes between optimizer steps; the counter is the number of steps done.</summary>
    Step,
}

/// <summary>A learning rate as a function of the initial rate and a counter of epochs or steps.</summary>
public abstract class LearningRateSchedule
{
    /// <summary>Creates a schedule that counts <paramref name="unit"/>.</summary>
    /// <param name="unit">What the counter counts.</param>
    protected LearningRateSchedule(ScheduleUnit unit) => Unit = unit;

    /// <summary>What the counter of <see cref="Rate"/> counts.</summary>
    public ScheduleUnit Unit { get; }

    /// <summary>The learning rate after <paramref name="count"/> epochs or steps.</summary>
    /// <param name="initial">The rate at count 0.</param>
    /// <param name="count">Epochs or steps done, from 0.</param>
    /// <returns>The learning rate.</returns>
    public abstract double Rate(double initial, long count);
}

/// <summary>PyTorch's <c>StepLR</c>: <c>initial·γ^⌊count / stepSize⌋</c>, per epoch by default.</summary>
public sealed class StepDecay : LearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="stepSize">Epochs (or steps) between decays; at least 1.</param>
    /// <param name="gamma">The factor of each decay; default 0.1 as in PyTorch.</param>
    /// <param name="unit">What the counter counts; default epochs.</param>
    public StepDecay(int stepSize, double gamma = 0.1, ScheduleUnit unit = ScheduleUnit.Epoch)
        : base(unit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(stepSize, 1);
        StepSize = stepSize;
        Gamma = gamma;
    }

    /// <summary>Epochs (or steps) between decays.</summary>
    public int StepSize { get; }

    /// <summary>The factor of each decay.</summary>
    public double Gamma { get; }

    /// <inheritdoc/>
    public override double Rate(double initial, long count) => initial * Math.Pow(Gamma, count / StepSize);
}

/// <summary>PyTorch's <c>ExponentialLR</c>: <c>initial·γ^count</c>, per epoch by default.</summary>
/// <param name="gamma">The factor per epoch (or step).</param>
/// <param name="unit">What the counter counts; default epochs.</param>
public sealed class ExponentialDecay(double gamma, ScheduleUnit unit = ScheduleUnit.Epoch) : LearningRateSchedule(unit)
{
    /// <summary>The factor per epoch (or step).</summary>
    public double Gamma { get; } = gamma;

    /// <inheritdoc/>
    public override double Rate(double initial, long count) => initial * Math.Pow(Gamma, count);
}

/// <summary>
/// Inverse-time decay, as in the seed material's optimizer chapters: <c>initial / (1 + decay·count)</c>, per optimizer
/// step by default (the seeds decay once per iteration).
/// </summary>
/// <param name="decay">The decay rate.</param>
/// <param name="unit">What the counter counts; default optimizer steps.</param>
public sealed class InverseTimeDecay(double decay, ScheduleUnit unit = ScheduleUnit.Step) : LearningRateSchedule(unit)
{
    /// <summary>The decay rate.</summary>
    public double Decay { get; } = decay;

    /// <inheritdoc/>
    public override double Rate(double initial, long count) => initial / (1 + (Decay * count));
}
