using System;
using StaticNet.Tests.Networks;
using Xunit;

namespace StaticNet.Tests;

/// <summary>After warm-up, no generated method allocates: measured with the thread's allocation counter (<see cref="NoAllocation"/>).</summary>
public sealed class AllocationTests
{
    [Fact]
    public void A_regression_network_allocates_nothing() => AssertNoAllocation(new XorNet(), classifier: false);

    [Fact]
    public void A_classifier_allocates_nothing() => AssertNoAllocation(new T2(), classifier: true);

    [Fact]
    public void A_double_network_allocates_nothing() => AssertNoAllocation(new DoubleCrossEntropy(), classifier: true);

    [Fact]
    public void A_network_whose_scratch_is_rented_allocates_nothing_after_warm_up() => AssertNoAllocation(new HeapScratch(), classifier: true);

    private static void AssertNoAllocation<T>(INetwork<T> net, bool classifier)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        int inputs = net.Parameters.Length > 0 ? InputSizeOf(net) : 0;
        int outputs = OutputSizeOf(net);
        var input = new T[inputs];
        var batch = new T[inputs * 4];
        var target = new T[outputs];
        target[0] = T.One;
        var output = new T[outputs];
        var batchOutput = new T[outputs * 4];
        var batchTargets = new T[outputs * 4];
        var labels = new int[4];
        var gradients = new T[net.Parameters.Length];
        var inputGradient = new T[inputs];
        T rate = T.CreateChecked(1e-6);
        var labelled = net as IClassifierNetwork<T>;
        IFrozenNetwork<T> frozen = net.Freeze();

        NoAllocation.AfterWarmUp(() =>
        {
            net.Forward(input, output);
            net.ForwardBatch(batch, batchOutput);
            net.ComputeLoss(input, target);
            net.Backward(input, target, gradients);
            net.Backward(input, target, gradients, inputGradient);
            net.TrainStep(input, target, rate);
            net.BackwardBatch(batch, batchTargets, gradients);
            frozen.Forward(input, output);
            frozen.ForwardBatch(batch, batchOutput);
            if (classifier)
            {
                labelled!.Predict(input);
                labelled.ComputeLoss(input, 0);
                labelled.Backward(input, 0, gradients);
                labelled.TrainStep(input, 0, rate);
                labelled.BackwardBatch(batch, labels, gradients);
            }
        });
    }

    [Fact]
    public void A_snapshot_predicts_without_allocating()
    {
        T2.Frozen frozen = new T2().Freeze();
        var input = new float[T2.InputSize];
        NoAllocation.AfterWarmUp(() => frozen.Predict(input));
    }

    /// <summary>The measurement's retries (<see cref="NoAllocation"/>) do not hide a call that allocates every time.</summary>
    [Fact]
    public void The_measurement_fails_a_call_that_allocates_every_time()
    {
        var failure = Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => NoAllocation.AfterWarmUp(() => GC.KeepAlive(new byte[1])));
        Assert.Contains("every measured pass of 100 calls allocated", failure.Message, StringComparison.Ordinal);
    }

    private static int InputSizeOf(object net) => (int)net.GetType().GetField("InputSize")!.GetValue(null)!;

    private static int OutputSizeOf(object net) => (int)net.GetType().GetField("OutputSize")!.GetValue(null)!;
}
