using System;
using System.Globalization;
using System.Linq;
using System.Text;

namespace StaticNet;

/// <summary>
/// What a <c>[Network]</c> declaration says, as data: the input size, each layer (kind, size, activation, taps), the loss
/// and the precision. Every generated network exposes its own as the static <c>Topology</c> property
/// (<see cref="INetwork{TSelf, T}.Topology"/>, <see cref="ISequenceNetwork{TSelf, T}.Topology"/>); serializers write it
/// into the files they save.
/// </summary>
public sealed class NetworkTopology
{
    private readonly int[] _layerSizes;
    private readonly Activation[] _activations;
    private readonly NetworkLayer[] _layers;

    /// <summary>Creates the topology of a dense network.</summary>
    /// <param name="layerSizes">The sizes from input to output: at least two, each at least 1.</param>
    /// <param name="activations">One activation per dense layer: <c>layerSizes.Length - 1</c> entries.</param>
    /// <param name="loss">The loss the network is trained on.</param>
    /// <param name="precision">The scalar type of the network.</param>
    /// <exception cref="ArgumentException">The sizes or activations are not as described above.</exception>
    public NetworkTopology(ReadOnlySpan<int> layerSizes, ReadOnlySpan<Activation> activations, Loss loss, Precision precision)
        : this(layerSizes.Length < 2 ? 0 : layerSizes[0], DenseLayers(layerSizes, activations), loss, precision)
    {
    }

    /// <summary>Creates the topology of a network of any layers, a sequence network among them.</summary>
    /// <param name="inputSize">The inputs of one frame (of one sample for a dense network): at least 1.</param>
    /// <param name="layers">The layers from the input: at least one.</param>
    /// <param name="loss">The loss the network is trained on.</param>
    /// <param name="precision">The scalar type of the network.</param>
    /// <exception cref="ArgumentException">The input size or a layer is not as described above.</exception>
    public NetworkTopology(int inputSize, ReadOnlySpan<NetworkLayer> layers, Loss loss, Precision precision)
    {
        if (inputSize < 1)
        {
            throw new ArgumentException($"The input size is {inputSize}; it must be at least 1.", nameof(inputSize));
        }

        if (layers.IsEmpty)
        {
            throw new ArgumentException("A network needs at least one layer.", nameof(layers));
        }

        long parameters = 0;
        long state = 0;
        int inputs = inputSize;
        for (int i = 0; i < layers.Length; i++)
        {
            NetworkLayer layer = layers[i];
            layer.Validate(i, nameof(layers));
            foreach (ParameterTensorShape tensor in ParameterLayout.Of(layer.Kind, inputs, layer.Size, layer.KernelSize))
            {
                parameters += tensor.Count;
            }

            state += ParameterLayout.StateSize(layer.Kind, inputs, layer.Size, layer.KernelSize, layer.Dilation);
            inputs = layer.Size;
        }

        _layers = layers.ToArray();
        _layerSizes = [inputSize, .. _layers.Select(layer => layer.Size)];
        _activations = _layers.Select(layer => layer.Activation).ToArray();
        Loss = loss;
        Precision = precision;
        ParameterCount = parameters;
        StateSize = state;
    }

    /// <summary>The inputs of one frame (one sample of a dense network).</summary>
    public int InputSize => _layerSizes[0];

    /// <summary>The layers from the input to the output.</summary>
    public ReadOnlySpan<NetworkLayer> Layers => _layers;

    /// <summary>The layer sizes from input to output: the input size, then each layer's <see cref="NetworkLayer.Size"/>.</summary>
    public ReadOnlySpan<int> LayerSizes => _layerSizes;

    /// <summary>The activation of each layer, from the first to the output layer (<see cref="Activation.Identity"/> for GRU and LSTM).</summary>
    public ReadOnlySpan<Activation> Activations => _activations;

    /// <summary>The number of layers (one less than the number of sizes).</summary>
    public int LayerCount => _activations.Length;

    /// <summary>Whether the network has a Conv1D, GRU or LSTM layer: it runs over sequences of frames.</summary>
    public bool IsSequence => _layers.Any(layer => layer.Kind != LayerKind.Dense);

    /// <summary>The values of streaming state between frames (0 for a dense network).</summary>
    public long StateSize { get; }

    /// <summary>The loss the network is trained on.</summary>
    public Loss Loss { get; }

    /// <summary>The scalar type of the network.</summary>
    public Precision Precision { get; }

    /// <summary>The number of parameters: the values of every layer's tensors (for a dense layer, <c>inputs × outputs</c> weights and <c>outputs</c> biases).</summary>
    public long ParameterCount { get; }

    /// <summary>
    /// Describes the topology, e.g. <c>784 -&gt; 128 ReLU -&gt; 10 Softmax, CrossEntropy, Single</c>, or for a sequence
    /// network <c>1 -&gt; Conv1D(8, k=3, d=2, Tanh) -&gt; Gru(16) -&gt; Dense(1, Identity), MeanSquaredError, Single</c>.
    /// </summary>
    /// <returns>The description.</returns>
    public override string ToString()
    {
        var builder = new StringBuilder();
        builder.Append(_layerSizes[0].ToString(CultureInfo.InvariantCulture));
        bool sequence = IsSequence;
        foreach (NetworkLayer layer in _layers)
        {
            builder.Append(" -> ");
            if (sequence)
            {
                builder.Append(layer.ToString());
            }
            else
            {
                builder.Append(layer.Size.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(layer.Activation.ToString());
            }
        }

        return builder.Append(", ").Append(Loss.ToString()).Append(", ").Append(Precision.ToString()).ToString();
    }

    private static NetworkLayer[] DenseLayers(ReadOnlySpan<int> layerSizes, ReadOnlySpan<Activation> activations)
    {
        if (layerSizes.Length < 2)
        {
            throw new ArgumentException($"A network needs at least two layer sizes, but {layerSizes.Length} were given.", nameof(layerSizes));
        }

        if (activations.Length != layerSizes.Length - 1)
        {
            throw new ArgumentException($"A network of {layerSizes.Length} layer sizes needs {layerSizes.Length - 1} activations, but {activations.Length} were given.", nameof(activations));
        }

        for (int i = 0; i < layerSizes.Length; i++)
        {
            if (layerSizes[i] < 1)
            {
                throw new ArgumentException($"Layer size {i} is {layerSizes[i]}; every size must be at least 1.", nameof(layerSizes));
            }
        }

        var layers = new NetworkLayer[activations.Length];
        for (int i = 0; i < layers.Length; i++)
        {
            layers[i] = new NetworkLayer(LayerKind.Dense, layerSizes[i + 1], activations[i]);
        }

        return layers;
    }
}
