using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using StaticNet.Generator.Layers;
using StaticNet.Generator.Planning;

namespace StaticNet.Generator.Emit;

/// <summary>
/// The file-local struct with the network's composition: one struct per layer carrying its sizes, and each pass as the
/// sequence of layer kernel calls (the layers' kinds write the calls). The runtime's NetworkRunner calls these after it
/// has checked the arguments and provided the scratch. Each method names what it reads and writes up front (<c>w1</c>,
/// <c>b1</c>: a layer's parameters; <c>gw1</c>: their gradients; <c>a1</c>: a layer's outputs; <c>z1</c>: its
/// pre-activations; <c>d0</c>, <c>d1</c>: the two gradient buffers), so that each call reads as the math.
/// <para>
/// Scratch of one sample (Backward, TrainStep): every layer's outputs in order, then the pre-activations the backward pass
/// keeps, then two gradient buffers as wide as the widest layer (the seeds' memory plan: only two are alive at once).
/// Forward keeps only the outputs of the layers below the last. The batched passes lay out a block of samples layer by
/// layer: a layer's outputs for the whole block together (so the next layer reads them with the layer's width as stride),
/// then the block's gradient buffers.
/// </para>
/// </summary>
internal sealed partial class NetworkEmitter
{
    private void WriteComposition()
    {
        string network = string.Join(".", _plan.Type.Types.Select(type => type.Name));
        _w.WriteLine($"/// <summary>The composition of <see cref=\"{network}\"/>: each pass as the layer kernels it calls, sizes as constants.</summary>");
        _w.WriteLine(GeneratedCode);
        using (_w.WriteBlock($"file readonly struct {_kernels} : {N("INetworkKernels")}<{T}>"))
        {
            foreach (LayerPlan layer in _plan.Layers)
            {
                _cancellationToken.ThrowIfCancellationRequested();
                _w.WriteLine($"// Layer {layer.Number}: {layer.Title}.");
                layer.WriteShape(_context);
            }

            _w.WriteLine();
            _w.WriteLines($$"""
                public static int InputSize => {{_plan.InputSize}};

                public static int OutputSize => {{_plan.OutputSize}};

                public static int ParameterCount => {{_plan.ParameterCount}};

                public static int ForwardScratchLength => {{_plan.ForwardScratchLength}};

                public static int TrainScratchLength => {{_plan.TrainScratchLength}};

                public static int BatchBlock => {{_plan.BatchBlock}};

                public static int BatchScratchLength => {{_plan.BatchScratchLength}};

                """);
            WriteInitialize();
            WriteForward();
            WriteBackward(train: false);
            WriteBackward(train: true);
            WriteForwardBatch();
            WriteBackwardBatch();
            WritePacked();
            _w.WriteLine($"[{N("MethodImpl")}({N("MethodImplOptions")}.AggressiveInlining)]");
            _w.WriteLine($"private static ref {T} At(ref {T} origin, int offset) => ref {N("Unsafe")}.Add(ref origin, offset);");
        }
    }

    private void WriteInitialize()
    {
        _w.WriteLine(_plan.IsSequence
            ? "/// <summary>Fills the parameters from <paramref name=\"seed\"/> as each line says; the others (dense and convolution biases) stay zero.</summary>"
            : "/// <summary>Fills the weights from <paramref name=\"seed\"/>; the biases stay zero.</summary>");
        using (_w.WriteBlock($"public static void Initialize({N("Span")}<{T}> parameters, int seed)"))
        {
            _w.WriteLine($"var random = new {N("NetworkRandom")}(seed);");
            foreach (LayerPlan layer in _plan.Layers)
            {
                foreach (ParameterBlock block in layer.Parameters.Where(block => block.InitLimit > 0))
                {
                    _w.WriteLine($"// Layer {layer.Number} {block.Name}: {block.InitName}.");
                    _w.WriteLine($"random.FillUniform(parameters.Slice({block.Offset}, {block.Count}), {Literal(block.InitLimit)});");
                }
            }
        }

        _w.WriteLine();
    }

    /// <summary>
    /// Writes a method of the composition: its summary, the attribute that compiles it fully optimised at its first call,
    /// the references it uses (those of <paramref name="references"/> that <paramref name="body"/> names), then the body.
    /// </summary>
    private void WriteMethod(string summary, string header, IReadOnlyList<(string Name, string Value)> references, IReadOnlyList<string> body)
    {
        _w.WriteSummary(summary);
        _w.WriteLine($"[{N("MethodImpl")}({N("MethodImplOptions")}.AggressiveOptimization)]");
        using (_w.WriteBlock(header))
        {
            string text = string.Join("\n", body);
            foreach ((string name, string value) in references)
            {
                if (Regex.IsMatch(text, $@"\b{name}\b"))
                {
                    _w.WriteLine($"ref {T} {name} = {value};");
                }
            }

            foreach (string line in body)
            {
                _w.WriteLine(line);
            }
        }

        _w.WriteLine();
    }

    /// <summary>The references to the parameters (and, with <paramref name="gradients"/>, to their gradients) the methods may use.</summary>
    private IEnumerable<(string Name, string Value)> ParameterReferences(bool gradients)
    {
        yield return ("none", $"ref {N("Unsafe")}.NullRef<{T}>()");
        foreach (ParameterBlock block in _plan.Layers.SelectMany(layer => layer.Parameters))
        {
            yield return (block.Local, _context.At("p", block.Offset));
            if (gradients)
            {
                yield return ("g" + block.Local, _context.At("g", block.Offset));
            }
        }
    }

    /// <summary>
    /// The references to the scratch: each layer's outputs (<c>a1</c>, ...), kept pre-activations (<c>z1</c>, ...) and the
    /// two gradient buffers, for one sample or, with a block of <paramref name="samples"/>, for the whole block.
    /// </summary>
    private IEnumerable<(string Name, string Value)> ScratchReferences(int samples)
    {
        foreach (LayerPlan layer in _plan.Layers)
        {
            yield return ($"a{layer.Number}", _context.At("s", samples * layer.OutputOffset));
            if (layer.KeepsPreActivation)
            {
                yield return ($"z{layer.Number}", _context.At("s", samples * layer.PreActivationOffset));
            }
        }

        yield return ("d0", _context.At("s", samples * _plan.DeltaOffset));
        yield return ("d1", _context.At("s", samples * (_plan.DeltaOffset + _plan.DeltaLength)));
    }

    /// <summary>The outputs of a layer (<c>a1</c>, ...).</summary>
    private static string Outputs(LayerPlan layer) => $"ref a{layer.Number}";

    /// <summary>The kept pre-activations of a layer, or a null reference.</summary>
    private string PreActivations(LayerPlan? layer) => layer is { KeepsPreActivation: true } ? $"ref z{layer.Number}" : _context.Null;

    /// <summary>The input a layer reads: the network's input, or the outputs of the layer below.</summary>
    private string InputOf(LayerPlan layer) => Below(layer) is { } below ? Outputs(below) : "ref x";

    private LayerPlan? Below(LayerPlan layer) => layer.Number == 1 ? null : _plan.Layers[layer.Number - 2];

    /// <summary>The gradient buffer that holds dLoss/dz of <paramref name="layer"/>: the output layer's is <c>d0</c>, then they alternate.</summary>
    private string DeltaOf(LayerPlan layer) => $"ref d{(_plan.Layers.Count - layer.Number) % 2}";

    private void WriteForward()
    {
        var body = new List<string>();
        foreach (LayerPlan layer in _plan.Layers)
        {
            string output = layer == _plan.OutputLayer ? "ref y" : Outputs(layer);
            body.Add(layer.Forward(_context, InputOf(layer), output, _context.Null));
        }

        AddSoftmax(body, "ref y");
        WriteMethod(
            "The output <paramref name=\"y\"/> of the input <paramref name=\"x\"/>; the hidden layers' outputs go to <paramref name=\"s\"/>.",
            $"public static void Forward(ref {T} p, ref {T} x, ref {T} y, ref {T} s)",
            ParameterReferences(gradients: false).Concat(ScratchReferences(1)).ToList(),
            body);
    }

    /// <summary>
    /// The inference snapshot's packed copy (<c>Freeze</c>): its length, the packing, and Forward from it. Each layer's part
    /// follows the one below (<c>q1</c>, <c>q2</c>, ...); the lengths depend on the vector width, constants to the JIT.
    /// </summary>
    private void WritePacked()
    {
        List<(string Name, string Value)> packedReferences = WritePackedLayout();

        // The output layer's softmax is part of its packed call (in registers where the layer is small).
        var forward = new List<string>();
        foreach (LayerPlan layer in _plan.Layers)
        {
            bool output = layer == _plan.OutputLayer;
            bool softmax = output && layer.Activation == Activation.Softmax;
            forward.Add(layer.ForwardPacked(_context, $"ref q{layer.Number}", InputOf(layer), output ? "ref y" : Outputs(layer), softmax));
        }

        WriteMethod(
            "<see cref=\"Forward\"/> from the packed copy <paramref name=\"q\"/> of the parameters.",
            $"public static void ForwardPacked(ref {T} q, ref {T} x, ref {T} y, ref {T} s)",
            packedReferences.Concat(ScratchReferences(1)).ToList(),
            forward);

        // The block's layers in turn, as ForwardBatch runs them, then the block's softmax: the same values as the output
        // layer's packed call with its softmax (which computes the softmax's operations in the same order).
        var batch = new List<string>();
        foreach (LayerPlan layer in _plan.Layers)
        {
            (string input, string stride) = BlockInputOf(layer);
            string output = layer == _plan.OutputLayer ? "ref y" : Outputs(layer);
            batch.Add(layer.ForwardPackedBatch(_context, $"ref q{layer.Number}", input, stride, output, Number(layer.Outputs)));
        }

        AddBlockSoftmax(batch, "y");
        WriteMethod(
            "<see cref=\"ForwardBatch\"/> from the packed copy <paramref name=\"q\"/> of the parameters.",
            $"public static void ForwardPackedBatch(ref {T} q, ref {T} x, ref {T} y, int count, ref {T} s)",
            packedReferences.Concat(ScratchReferences(_plan.BatchBlock)).ToList(),
            batch);
    }

    /// <summary>
    /// <c>PackedLength</c> and <c>Pack</c>, dense and sequence networks alike: each layer's part of the packed copy follows
    /// the one below. Returns the references to the parts (<c>q1</c>, <c>q2</c>, ...) for the passes that read them.
    /// </summary>
    private List<(string Name, string Value)> WritePackedLayout()
    {
        _w.WriteLine("public static int PackedLength =>");
        _w.IncreaseIndent();
        _w.WriteLines(string.Join(" +\n", _plan.Layers.Select(layer => layer.PackedLength(_context))) + ";");
        _w.DecreaseIndent();
        _w.WriteLine();
        var packedReferences = new List<(string Name, string Value)>();
        foreach (LayerPlan layer in _plan.Layers)
        {
            packedReferences.Add(($"q{layer.Number}", layer.Number == 1
                ? "ref q"
                : $"ref At(ref q{layer.Number - 1}, {_plan.Layers[layer.Number - 2].PackedLength(_context)})"));
        }

        _w.WriteSummary("Writes the packed copy of the parameters <paramref name=\"p\"/> to <paramref name=\"q\"/>, layer by layer.");
        using (_w.WriteBlock($"public static void Pack(ref {T} p, ref {T} q)"))
        {
            var body = _plan.Layers.Select(layer => layer.Pack(_context, $"ref q{layer.Number}")).ToList();
            string text = string.Join("\n", body);
            foreach ((string name, string value) in ParameterReferences(gradients: false).Concat(packedReferences))
            {
                if (Regex.IsMatch(text, $@"\b{name}\b"))
                {
                    _w.WriteLine($"ref {T} {name} = {value};");
                }
            }

            foreach (string line in body)
            {
                _w.WriteLine(line);
            }
        }

        _w.WriteLine();
        return packedReferences;
    }

    private void AddSoftmax(List<string> body, string row)
    {
        if (_plan.OutputLayer.Activation == Activation.Softmax)
        {
            body.Add($"{N("Output")}<{T}>.Softmax<{_plan.OutputLayer.ShapeName}>({row});");
        }
    }

    /// <summary>The call that computes the loss of the output row <paramref name="a"/> and writes scale · dLoss/dz of the output layer to <paramref name="dz"/>.</summary>
    private string LossCall(string a, string z, string t, string dz, string scale)
    {
        string output = $"{N("Output")}<{T}>";
        string shape = _plan.OutputLayer.ShapeName;
        return _plan.Loss switch
        {
            Loss.CrossEntropy => $"{output}.SoftmaxCrossEntropy<{shape}>({a}, {t}, {dz}, {scale})",
            Loss.BinaryCrossEntropy => $"{output}.SigmoidBinaryCrossEntropy<{shape}>({a}, {t}, {dz}, {scale})",
            _ when _plan.OutputLayer.Activation == Activation.Softmax => $"{output}.SoftmaxMeanSquaredError<{shape}>({a}, {t}, {dz}, {scale})",
            _ => $"{output}.MeanSquaredError<{shape}, {_context.KernelActivation(_plan.OutputLayer.Activation)}>({a}, {z}, {t}, {dz}, {scale})",
        };
    }

    /// <summary>
    /// Backward (dLoss/dParameters added into g unless it is a null reference, dLoss/dInput into dx unless it is one) or,
    /// with <paramref name="train"/>, TrainStep: from the output down, each layer takes the gradient for the layer below from
    /// its old weights, then updates its own.
    /// </summary>
    private void WriteBackward(bool train)
    {
        var body = new List<string>();
        foreach (LayerPlan layer in _plan.Layers)
        {
            body.Add(layer.Forward(_context, InputOf(layer), Outputs(layer), PreActivations(layer)));
        }

        LayerPlan output = _plan.OutputLayer;
        AddSoftmax(body, Outputs(output));
        body.Add($"{T} loss = {LossCall(Outputs(output), PreActivations(output), "ref t", DeltaOf(output), Literal(1))};");
        if (!train)
        {
            body.Add($"if ({N("Unsafe")}.IsNullRef(ref g))");
            body.Add("{");
            body.Add("    return loss;");
            body.Add("}");
            body.Add(string.Empty);
        }

        for (int i = _plan.Layers.Count - 1; i >= 0; i--)
        {
            LayerPlan layer = _plan.Layers[i];
            LayerPlan? below = Below(layer);
            string dx = below is null ? (train ? _context.Null : "ref dx") : DeltaOf(below);
            body.Add(train
                ? layer.Train(_context, InputOf(layer), DeltaOf(layer), dx, PreActivations(below), below)
                : layer.Backward(_context, InputOf(layer), DeltaOf(layer), dx, PreActivations(below), below));
        }

        body.Add("return loss;");
        WriteMethod(
            train
                ? "One SGD step on one sample, the seeds' memory plan: from the output down, each layer takes the gradient for the layer below from its old weights, then updates them. Returns the loss before the step."
                : "The loss of one sample; adds dLoss/dParameters into <paramref name=\"g\"/> and writes dLoss/dInput into <paramref name=\"dx\"/>, each unless a null reference.",
            train
                ? $"public static {T} TrainStep(ref {T} p, ref {T} x, ref {T} t, {T} learningRate, ref {T} s)"
                : $"public static {T} Backward(ref {T} p, ref {T} g, ref {T} x, ref {T} t, ref {T} dx, ref {T} s)",
            ParameterReferences(gradients: !train).Concat(ScratchReferences(1)).ToList(),
            body);
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The rows a layer reads in the batched passes, and their stride: the block's inputs, or the block's outputs of the layer below.</summary>
    private (string Rows, string Stride) BlockInputOf(LayerPlan layer) =>
        Below(layer) is { } below ? (Outputs(below), Number(below.Outputs)) : ("ref x", Number(_plan.InputSize));

    private void WriteForwardBatch()
    {
        var body = new List<string>();
        foreach (LayerPlan layer in _plan.Layers)
        {
            (string input, string stride) = BlockInputOf(layer);
            string output = layer == _plan.OutputLayer ? "ref y" : Outputs(layer);
            body.Add(layer.ForwardBatch(_context, input, stride, output, _context.Null, Number(layer.Outputs)));
        }

        AddBlockSoftmax(body, "y");
        WriteMethod(
            "The outputs of <paramref name=\"count\"/> samples stored row by row, layer by layer over the whole block.",
            $"public static void ForwardBatch(ref {T} p, ref {T} x, ref {T} y, int count, ref {T} s)",
            ParameterReferences(gradients: false).Concat(ScratchReferences(_plan.BatchBlock)).ToList(),
            body);
    }

    private void AddBlockSoftmax(List<string> body, string rows)
    {
        if (_plan.OutputLayer.Activation == Activation.Softmax)
        {
            body.Add("for (int i = 0; i < count; i++)");
            body.Add("{");
            body.Add($"    {N("Output")}<{T}>.Softmax<{_plan.OutputLayer.ShapeName}>(ref At(ref {rows}, i * {_plan.OutputSize}));");
            body.Add("}");
            body.Add(string.Empty);
        }
    }

    private void WriteBackwardBatch()
    {
        var body = new List<string>();
        foreach (LayerPlan layer in _plan.Layers)
        {
            (string input, string stride) = BlockInputOf(layer);
            body.Add(layer.ForwardBatch(_context, input, stride, Outputs(layer), PreActivations(layer), Number(layer.Outputs)));
        }

        LayerPlan output = _plan.OutputLayer;
        AddBlockSoftmax(body, "a" + output.Number);
        body.Add($"{T} loss = {Literal(0)};");
        body.Add("for (int i = 0; i < count; i++)");
        body.Add("{");
        string z = output.KeepsPreActivation ? $"ref At(ref z{output.Number}, i * {output.Outputs})" : _context.Null;
        string call = LossCall($"ref At(ref a{output.Number}, i * {output.Outputs})", z, $"ref At(ref t, i * {_plan.OutputSize})", $"ref At({DeltaOf(output)}, i * {_plan.DeltaLength})", "scale");
        body.Add($"    loss += {call};");
        body.Add("}");
        body.Add(string.Empty);
        string delta = Number(_plan.DeltaLength);
        for (int i = _plan.Layers.Count - 1; i >= 0; i--)
        {
            LayerPlan layer = _plan.Layers[i];
            LayerPlan? below = Below(layer);
            (string input, string stride) = BlockInputOf(layer);
            string dx = below is null ? _context.Null : DeltaOf(below);
            body.Add(layer.BackwardBatch(_context, input, stride, DeltaOf(layer), delta, dx, delta, PreActivations(below), below));
        }

        body.Add("return loss;");
        WriteMethod(
            "Adds <paramref name=\"scale\"/> times the sum of dLoss/dParameters over <paramref name=\"count\"/> samples into <paramref name=\"g\"/>; returns the sum of their losses.",
            $"public static {T} BackwardBatch(ref {T} p, ref {T} g, ref {T} x, ref {T} t, int count, {T} scale, ref {T} s)",
            ParameterReferences(gradients: true).Concat(ScratchReferences(_plan.BatchBlock)).ToList(),
            body);
    }
}
