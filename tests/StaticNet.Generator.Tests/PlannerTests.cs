using System.Linq;
using StaticNet.Generator.Layers;
using StaticNet.Generator.Layers.Dense;
using StaticNet.Generator.Model;
using StaticNet.Generator.Planning;
using Xunit;

namespace StaticNet.Generator.Tests;

using Activation = StaticNet.Generator.Shared.Activation;
using Loss = StaticNet.Generator.Shared.Loss;
using Precision = StaticNet.Generator.Shared.Precision;

/// <summary>The planner is pure C#: parameter tensors, offsets and scratch, without Roslyn.</summary>
public sealed class PlannerTests
{
    private static readonly HierarchyInfo Type = new("Samples", new[] { new TypeDeclarationInfo("class", "Net") }.ToEquatableArray());

    [Fact]
    public void Offsets_follow_the_documented_layout_weights_then_bias_per_layer()
    {
        NetworkPlan plan = Plan([2, 16, 16, 1], Activation.Tanh, Activation.Tanh, Activation.Identity);

        Assert.Equal(337, plan.ParameterCount);
        Assert.Equal([0, 48, 320], plan.Layers.Select(l => l.Parameters[0].Offset));
        Assert.Equal([32, 304, 336], plan.Layers.Select(l => l.Parameters[1].Offset));
        Assert.Equal(["weight", "bias"], plan.Layers[0].Parameters.Select(block => block.Name));
        Assert.Equal([16, 2], plan.Layers[0].Parameters[0].Shape);
        Assert.Equal([0, 16, 32], plan.Layers.Select(l => l.OutputOffset));
        Assert.Equal("Samples.Net.g.cs", plan.HintName);
    }

    [Fact]
    public void Scratch_holds_every_activation_and_two_gradient_buffers()
    {
        NetworkPlan plan = Plan([784, 128, 64, 10], Activation.ReLU, Activation.ReLU, Activation.Softmax);

        Assert.Equal(128 + 64 + 10, plan.ActivationsLength);
        Assert.Equal(128, plan.DeltaLength);
        Assert.Equal(128 + 64, plan.ForwardScratchLength);
        Assert.Equal(202 + (2 * 128), plan.TrainScratchLength);
        Assert.Equal(plan.BatchBlock * plan.TrainScratchLength, plan.BatchScratchLength);
    }

    [Fact]
    public void Pre_activations_are_kept_only_for_the_activations_whose_gradient_reads_them()
    {
        NetworkPlan plan = Plan([4, 8, 6, 5, 3], Activation.Gelu, Activation.ReLU, Activation.Silu, Activation.Softplus);

        Assert.Equal([true, false, true, true], plan.Layers.Select(l => l.KeepsPreActivation));
        // The outputs of every layer first (22 values), then the kept pre-activations in layer order.
        Assert.Equal([22, -1, 30, 35], plan.Layers.Select(l => l.PreActivationOffset));
        Assert.Equal(22 + 8 + 5 + 3, plan.ActivationsLength);
    }

    [Fact]
    public void The_batch_block_shrinks_so_that_a_block_fits_the_stack()
    {
        Assert.Equal(NetworkPlanner.MaxBatchBlock, Plan([4, 64, 3], Activation.ReLU, Activation.Identity).BatchBlock);
        Assert.Equal(1, Plan([4, 20000, 3], Activation.ReLU, Activation.Identity).BatchBlock);
        Assert.Equal(4, Plan([4, 1300, 3], Activation.ReLU, Activation.Identity).BatchBlock);
    }

    [Fact]
    public void Initialisation_is_He_for_the_ReLU_family_and_Glorot_otherwise()
    {
        NetworkPlan plan = Plan([6, 10, 4, 2, 2], Activation.ReLU, Activation.Gelu, Activation.Sigmoid, Activation.Softplus);

        Assert.Equal(System.Math.Sqrt(6.0 / 6), plan.Layers[0].Parameters[0].InitLimit);
        Assert.Equal(System.Math.Sqrt(6.0 / 10), plan.Layers[1].Parameters[0].InitLimit);
        Assert.Equal(System.Math.Sqrt(6.0 / (4 + 2)), plan.Layers[2].Parameters[0].InitLimit);
        Assert.Equal(System.Math.Sqrt(6.0 / (2 + 2)), plan.Layers[3].Parameters[0].InitLimit);
        Assert.All(plan.Layers, layer => Assert.Equal(0, layer.Parameters[1].InitLimit));
    }

    [Fact]
    public void An_invalid_spec_plans_the_stub()
    {
        var spec = new NetworkSpec(Type, 0, EquatableArray<LayerSpec>.Empty, Loss.CrossEntropy, Precision.Single, IsValid: false);
        NetworkPlan plan = NetworkPlanner.Plan(spec);
        Assert.False(plan.IsValid);
        Assert.Equal(0, plan.ParameterCount);
    }

    private static NetworkPlan Plan(int[] sizes, params Activation[] activations)
    {
        LayerSpec[] layers = activations.Select((activation, i) => (LayerSpec)new DenseLayerSpec(sizes[i], sizes[i + 1], activation)).ToArray();
        var spec = new NetworkSpec(Type, sizes[0], layers.ToEquatableArray(), Loss.MeanSquaredError, Precision.Single, IsValid: true);
        return NetworkPlanner.Plan(spec);
    }
}
