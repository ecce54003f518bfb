using System.Linq;
using StaticNet.Generator.Model;
using StaticNet.Generator.Planning;
using Xunit;

namespace StaticNet.Generator.Tests;

/// <summary>The planner is pure C#: offsets, buffer sizes and kernel shapes, without Roslyn.</summary>
public sealed class PlannerTests
{
    private static readonly HierarchyInfo Type = new("Samples", new[] { new TypeDeclarationInfo("class", "Net") }.ToEquatableArray());

    [Fact]
    public void Offsets_follow_the_documented_layout_weights_then_bias_per_layer()
    {
        NetworkPlan plan = Plan([2, 16, 16, 1], ActivationKind.Tanh, ActivationKind.Tanh, ActivationKind.Identity);

        Assert.Equal(337, plan.ParameterCount);
        Assert.Equal([0, 48, 320], plan.Layers.Select(l => l.WeightOffset));
        Assert.Equal([32, 304, 336], plan.Layers.Select(l => l.BiasOffset));
        Assert.Equal([0, 16, 32], plan.Layers.Select(l => l.OutputOffset));
        Assert.Equal("Samples.Net.g.cs", plan.HintName);
    }

    [Fact]
    public void Scratch_holds_every_activation_two_gradient_buffers_and_a_one_hot_target()
    {
        NetworkPlan plan = Plan([784, 128, 64, 10], ActivationKind.ReLU, ActivationKind.ReLU, ActivationKind.Softmax);

        Assert.Equal(128 + 64 + 10, plan.ActivationsLength);
        Assert.Equal(128, plan.DeltaLength);
        Assert.Equal(128 + 64, plan.ForwardScratchLength);
        Assert.Equal(202 + (2 * 128) + 10, plan.BackwardScratchLength);
        Assert.False(plan.ScratchOnHeap);
    }

    [Fact]
    public void Scratch_above_the_stack_limit_goes_to_the_heap()
    {
        Assert.True(Plan([4, 20000, 3], ActivationKind.ReLU, ActivationKind.Identity).ScratchOnHeap);
        Assert.False(Plan([4, 4000, 3], ActivationKind.ReLU, ActivationKind.Identity).ScratchOnHeap);
    }

    [Fact]
    public void Initialisation_is_He_for_the_ReLU_family_and_Glorot_otherwise()
    {
        NetworkPlan plan = Plan([6, 10, 4, 2], ActivationKind.ReLU, ActivationKind.LeakyReLU, ActivationKind.Sigmoid);

        Assert.Equal(System.Math.Sqrt(6.0 / 6), plan.Layers[0].InitLimit);
        Assert.Equal(System.Math.Sqrt(6.0 / 10), plan.Layers[1].InitLimit);
        Assert.Equal(System.Math.Sqrt(6.0 / (4 + 2)), plan.Layers[2].InitLimit);
    }

    [Fact]
    public void Inner_products_get_more_accumulators_as_the_inputs_grow_and_scalar_code_when_tiny()
    {
        NetworkPlan plan = Plan([2, 9, 16, 64, 1], ActivationKind.ReLU, ActivationKind.ReLU, ActivationKind.ReLU, ActivationKind.Identity);

        Assert.Equal([true, false, false, false], plan.Layers.Select(l => l.ScalarInputs));
        Assert.Equal([1, 1, 2, 4], plan.Layers.Select(l => l.Accumulators));
    }

    [Fact]
    public void An_invalid_spec_plans_the_stub()
    {
        var spec = new NetworkSpec(Type, EquatableArray<int>.Empty, EquatableArray<LayerSpec>.Empty, LossKind.CrossEntropy, ScalarKind.Single, IsValid: false);
        NetworkPlan plan = NetworkPlanner.Plan(spec, new TargetInfo(AllowUnsafe: true));
        Assert.False(plan.IsValid);
        Assert.Equal(0, plan.ParameterCount);
    }

    private static NetworkPlan Plan(int[] sizes, params ActivationKind[] activations)
    {
        LayerSpec[] layers = activations.Select((activation, i) => new LayerSpec(sizes[i], sizes[i + 1], activation)).ToArray();
        var spec = new NetworkSpec(Type, sizes.ToEquatableArray(), layers.ToEquatableArray(), LossKind.MeanSquaredError, ScalarKind.Single, IsValid: true);
        return NetworkPlanner.Plan(spec, new TargetInfo(AllowUnsafe: true));
    }
}
