using System;
using System.Globalization;
using System.Text;

namespace StaticNet;

/// <summary>
/// What a <c>[Network]</c> declaration says, as data: the layer sizes, each layer's activation, the loss and the
/// precision. Every generated network exposes its own as the static <c>Topology</c> property
/// (<see cref="INetwork{TSelf, T}.Topology"/>); serializers write it into the files they save.
/// </summary>
public sealed class NetworkTopology
{
    private readonly int[] _layerSizes;
    private readonly Activation[] _activations;

    /// <summary>Creates a topology description.</summary>
    /// <param name="layerSizes">The sizes from input to output: at least two, each at least 1.</param>
    /// <param name="activations">One activation per dense layer: <c>layerSizes.Length - 1</c> entries.</param>
    /// <param name="loss">The loss the network is trained on.</param>
    /// <param name="precision">The scalar type of the network.</param>
    /// <exception cref="ArgumentException">The sizes or activations are not as described above.</exception>
    public NetworkTopology(ReadOnlySpan<int> layerSizes, ReadOnlySpan<Activation> activations, Loss loss, Precision precision)
    {
        if (layerSizes.Length < 2)
        {
            throw new ArgumentException($"A network needs at least two layer sizes, but {layerSizes.Length} were given.", nameof(layerSizes));
        }

        if (activations.Length != layerSizes.Length - 1)
        {
            throw new ArgumentException($"A network of {layerSizes.Length} layer sizes needs {layerSizes.Length - 1} activations, but {activations.Length} were given.", nameof(activations));
        }

        long parameters = 0;
        for (int i = 0; i < layerSizes.Length; i++)
        {
            if (layerSizes[i] < 1)
            {
                throw new ArgumentException($"Layer size {i} is {layerSizes[i]}; every size must be at least 1.", nameof(layerSizes));
            }

            if (i > 0)
            {
                parameters += ((long)layerSizes[i - 1] + 1) * layerSizes[i];
            }
        }

        _layerSizes = layerSizes.ToArray();
        _activations = activations.ToArray();
        Loss = loss;
        Precision = precision;
        ParameterCount = parameters;
    }

    /// <summary>The layer sizes from input to output.</summary>
    public ReadOnlySpan<int> LayerSizes => _layerSizes;

    /// <summary>The activation of each dense layer, from the first to the output layer.</summary>
    public ReadOnlySpan<Activation> Activations => _activations;

    /// <summary>The number of dense layers (one less than the number of sizes).</summary>
    public int LayerCount => _activations.Length;

    /// <summary>The loss the network is trained on.</summary>
    public Loss Loss { get; }

    /// <summary>The scalar type of the network.</summary>
    public Precision Precision { get; }

    /// <summary>The number of parameters: for each layer, <c>inputs × outputs</c> weights and <c>outputs</c> biases.</summary>
    public long ParameterCount { get; }

    /// <summary>Describes the topology, e.g. <c>784 -&gt; 128 ReLU -&gt; 10 Softmax, CrossEntropy, Single</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString()
    {
        var builder = new StringBuilder();
        builder.Append(_layerSizes[0].ToString(CultureInfo.InvariantCulture));
        for (int i = 0; i < _activations.Length; i++)
        {
            builder.Append(" -> ").Append(_layerSizes[i + 1].ToString(CultureInfo.InvariantCulture)).Append(' ').Append(_activations[i].ToString());
        }

        return builder.Append(", ").Append(Loss.ToString()).Append(", ").Append(Precision.ToString()).ToString();
    }
}
