using System.Collections.Generic;
using System.Linq;
using StaticNet.Generator.Layers;
using StaticNet.Generator.Planning;

namespace StaticNet.Generator.Emit;

/// <summary>
/// The members and the composition of a sequence network (one with a Conv1D, GRU or LSTM layer): the public members call
/// the runtime's <c>SequenceRunner</c>; the composition has <c>Step</c> (one frame, layer by layer) and <c>Backward</c>
/// (a whole sequence layer by layer, keeping what backpropagation through time needs, then the layers backwards).
/// <para>
/// The scratch of a sequence holds, for each layer in order, its outputs of every frame (<c>a1</c>), the pre-activations
/// its activation's gradient reads (<c>z1</c>), and what its kind keeps (a convolution's windows <c>u1</c> and their
/// gradients <c>v1</c>; a recurrent layer's states <c>h1</c>, an LSTM's cell states <c>k1</c>, the gates <c>c1</c> and a
/// little scratch <c>t1</c>); then two gradient buffers <c>d0</c> and <c>d1</c>, a frame as wide as the widest layer. The
/// offsets grow with the number of frames.
/// </para>
/// </summary>
internal sealed partial class NetworkEmitter
{
    private SequenceLayout Layout => _plan.Sequence!;

    private string SequenceRunner => $"{N("SequenceRunner")}<{_kernels}, {T}>";

    private void WriteSequenceMembers()
    {
        string network = $"{N("ISequenceNetwork")}<{_name}, {T}>";
        _w.WriteLines($$"""
            /// <summary>The number of inputs of one frame: {{_plan.InputSize}}.</summary>
            public const int InputSize = {{_plan.InputSize}};

            /// <summary>The number of outputs of one frame: {{_plan.OutputSize}}.</summary>
            public const int OutputSize = {{_plan.OutputSize}};

            /// <summary>The number of parameters: the length of <see cref="Parameters"/>.</summary>
            public const int ParameterCount = {{_plan.ParameterCount}};

            /// <summary>
            /// The values of streaming state that <see cref="Step"/> reads and advances: {{Layout.StateSize}}. All zeros is the start of a stream.
            /// </summary>
            /// <remarks>
            /// Layout, layer by layer: {{StateText()}}.
            /// </remarks>
            public const int StateSize = {{Layout.StateSize}};

            {{DefaultSeedSummary()}}
            public const int DefaultSeed = 42;

            // The parameters are _staticNetParameters[_staticNetOffset..][..ParameterCount], 64-byte aligned (pinned: it never moves).
            private readonly {{T}}[] _staticNetParameters;
            private readonly int _staticNetOffset;

            """);
        WriteParameterlessConstructor();
        _w.WriteLines($$"""

            /// <summary>
            /// Creates the network with its parameters initialised deterministically from <paramref name="seed"/>: dense and
            /// convolution weights uniform (He for the ReLU family, Glorot otherwise) with zero biases, every GRU and LSTM tensor
            /// uniform in ±1/√H as PyTorch initialises them. A seed gives the same parameters on every machine.
            /// </summary>
            /// <param name="seed">The seed of the initialisation.</param>
            {{GeneratedCode}}
            public {{_name}}(int seed)
            {
                _staticNetParameters = {{N("GeneratedCodeHelpers")}}.AllocateParameters<{{T}}>(ParameterCount, out _staticNetOffset);
                {{_kernels}}.Initialize(Parameters, seed);
            }

            /// <summary>The declaration as data: {{SequenceTopologyText()}}.</summary>
            public static {{N("NetworkTopology")}} Topology { get; } = new {{N("NetworkTopology")}}(
                {{_plan.InputSize}},
                new {{N("NetworkLayer")}}[]
                {
            """);
        foreach (LayerPlan layer in _plan.Layers)
        {
            _w.WriteLine($"        new {N("NetworkLayer")}({layer.Spec.TopologyArguments(_context)}),");
        }

        _w.WriteLines($$"""
                },
                {{N("Loss")}}.{{_plan.Loss}},
                {{N("Precision")}}.{{_plan.Precision}});

            /// <summary>
            /// Every parameter of the network in one flat block, owned by this instance; writes change the network.
            /// </summary>
            /// <remarks>
            /// Layout, layer by layer from the input, each tensor row-major as its PyTorch module's <c>state_dict</c> holds it
            /// (<c>nn.Linear</c>: <c>weight [out][in]</c>; <c>nn.Conv1d</c>: <c>weight [out][in][kernel]</c>; <c>nn.GRU</c> and
            /// <c>nn.LSTM</c>: <c>weight_ih_l0</c>, <c>weight_hh_l0</c>, <c>bias_ih_l0</c>, <c>bias_hh_l0</c>, gate blocks r, z, n
            /// and i, f, g, o):
            /// <list type="bullet">
            """);
        foreach (LayerPlan layer in _plan.Layers)
        {
            _w.WriteLine($"/// <item><description>Layer {layer.Number} ({layer.Title}): {BlocksText(layer)}.</description></item>");
        }

        string span = $"{N("Span")}<{T}>";
        string readOnly = $"{N("ReadOnlySpan")}<{T}>";
        string lengths = $"/// <exception cref=\"{N("ArgumentException")}\">A span does not have the length given above, or a span this method writes\n" +
            "/// overlaps a span it reads or <see cref=\"Parameters\"/>.</exception>";
        const string Inputs = "/// <param name=\"inputs\">The frames, one after another: a positive multiple of <see cref=\"InputSize\"/> values.</param>";
        const string Targets = "/// <param name=\"targets\">The target of every frame: <see cref=\"OutputSize\"/> values per frame.</param>";
        const string Gradients = "/// <param name=\"gradients\">Accumulates the gradient: <see cref=\"ParameterCount\"/> values in the layout of <see cref=\"Parameters\"/>.</param>";
        const string Batch = "/// <param name=\"sequenceLength\">The frames of each sequence, at least 1.</param>";
        _w.WriteLines($$"""
            /// </list>
            /// </remarks>
            public {{span}} Parameters => new {{span}}(_staticNetParameters, _staticNetOffset, ParameterCount);

            /// <summary>Creates a network initialised from <paramref name="seed"/>, as <c>new {{_name}}(seed)</c>.</summary>
            /// <param name="seed">The seed of the initialisation.</param>
            /// <returns>The new network.</returns>
            public static {{_name}} Create(int seed) => new {{_name}}(seed);

            static int {{network}}.InputSize => InputSize;

            static int {{network}}.OutputSize => OutputSize;

            static int {{network}}.ParameterCount => ParameterCount;

            static int {{network}}.StateSize => StateSize;

            /// <summary>
            /// Runs one frame of a stream: reads <paramref name="state"/> and advances it by the frame. Allocation-free, lock-free
            /// and constant time: the real-time call. Reads the parameters only, so one network serves many streams at once,
            /// each with its own state.
            /// </summary>
            /// <param name="state">The stream's state: <see cref="StateSize"/> values, all zeros at the start of a stream.</param>
            /// <param name="input">One frame: <see cref="InputSize"/> values.</param>
            /// <param name="output">Receives the output frame: <see cref="OutputSize"/> values.</param>
            {{lengths}}
            public void Step({{span}} state, {{readOnly}} input, {{span}} output) =>
                {{SequenceRunner}}.Step(Parameters, state, input, output);

            /// <summary>
            /// Runs a whole sequence from the zero state: the outputs of one <see cref="Step"/> per frame, from a state of zeros.
            /// Reads the parameters only: safe to call concurrently.
            /// </summary>
            {{Inputs}}
            /// <param name="outputs">Receives the output of every frame: <see cref="OutputSize"/> values per frame.</param>
            {{lengths}}
            public void Forward({{readOnly}} inputs, {{span}} outputs) =>
                {{SequenceRunner}}.Forward(Parameters, inputs, outputs);

            /// <summary>
            /// Runs several sequences of <paramref name="sequenceLength"/> frames stored one after another, each from the zero
            /// state, as <see cref="Forward"/> does one. Reads the parameters only: safe to call concurrently.
            /// </summary>
            /// <param name="inputs">The sequences: a multiple of <paramref name="sequenceLength"/> frames.</param>
            /// <param name="outputs">Receives the output of every frame.</param>
            {{Batch}}
            {{lengths}}
            public void ForwardBatch({{readOnly}} inputs, {{span}} outputs, int sequenceLength) =>
                {{SequenceRunner}}.ForwardBatch(Parameters, inputs, outputs, sequenceLength);

            /// <summary>Computes the {{LossName()}} loss of a sequence from the zero state (the mean over its frames) without changing anything.</summary>
            {{Inputs}}
            {{Targets}}
            /// <returns>The loss.</returns>
            /// <exception cref="{{N("ArgumentException")}}">A span does not have the length given above.</exception>
            public {{T}} ComputeLoss({{readOnly}} inputs, {{readOnly}} targets) =>
                {{SequenceRunner}}.ComputeLoss(Parameters, inputs, targets);

            /// <summary>
            /// Backpropagation through time over a sequence from the zero state: adds dLoss/dParameters into
            /// <paramref name="gradients"/> (so that a mini-batch accumulates) and returns the loss, the mean over the frames.
            /// Reads the parameters only: safe to call concurrently.
            /// </summary>
            {{Inputs}}
            {{Targets}}
            {{Gradients}}
            /// <returns>The loss of the sequence.</returns>
            {{lengths}}
            public {{T}} Backward({{readOnly}} inputs, {{readOnly}} targets, {{span}} gradients) =>
                {{SequenceRunner}}.Backward(Parameters, inputs, targets, gradients);

            /// <summary>
            /// As <see cref="Backward({{BackwardCref()}})"/>, and writes dLoss/dInputs into <paramref name="inputGradients"/> (overwritten).
            /// </summary>
            {{Inputs}}
            {{Targets}}
            {{Gradients}}
            /// <param name="inputGradients">Receives dLoss/dInputs: as many values as <paramref name="inputs"/>.</param>
            /// <returns>The loss of the sequence.</returns>
            {{lengths}}
            public {{T}} Backward({{readOnly}} inputs, {{readOnly}} targets, {{span}} gradients, {{span}} inputGradients) =>
                {{SequenceRunner}}.Backward(Parameters, inputs, targets, gradients, inputGradients);

            /// <summary>
            /// One step of stochastic gradient descent on one sequence: afterwards <see cref="Parameters"/> are
            /// <c>old - learningRate * dLoss/dParameters</c>, the gradient by backpropagation through time from the zero state.
            /// </summary>
            /// <remarks>
            /// It writes the parameters: do not call it while another thread calls any method of this instance. A sequence
            /// with a NaN or an infinite value is refused before anything changes.
            /// </remarks>
            {{Inputs}}
            {{Targets}}
            /// <param name="learningRate">The step size.</param>
            /// <returns>The loss of the sequence before the update.</returns>
            /// <exception cref="{{N("ArgumentException")}}">
            /// A span does not have the length given above, holds a NaN or an infinite value, or overlaps <see cref="Parameters"/>;
            /// nothing has changed.
            /// </exception>
            /// <exception cref="{{N("ArgumentOutOfRangeException")}}"><paramref name="learningRate"/> is NaN, infinite or negative; nothing has changed.</exception>
            public {{T}} TrainStep({{readOnly}} inputs, {{readOnly}} targets, {{T}} learningRate) =>
                {{SequenceRunner}}.TrainStep(Parameters, inputs, targets, learningRate);

            /// <summary>
            /// Backpropagation through time over several sequences of <paramref name="sequenceLength"/> frames stored one after
            /// another, each from the zero state: adds the mean over the sequences of dLoss/dParameters into
            /// <paramref name="gradients"/> and returns the mean loss (0 for no sequence). Reads the parameters only: safe to
            /// call concurrently (Trainer shards a batch over the cores with it).
            /// </summary>
            /// <param name="inputs">The sequences: a multiple of <paramref name="sequenceLength"/> frames.</param>
            /// <param name="targets">The target of every frame, sequence after sequence.</param>
            /// <param name="gradients">Accumulates the mean gradient: <see cref="ParameterCount"/> values in the layout of <see cref="Parameters"/>.</param>
            {{Batch}}
            /// <returns>The mean loss of the sequences.</returns>
            {{lengths}}
            public {{T}} BackwardBatch({{readOnly}} inputs, {{readOnly}} targets, {{span}} gradients, int sequenceLength) =>
                {{SequenceRunner}}.BackwardBatch(Parameters, inputs, targets, gradients, sequenceLength);
            """);
        WriteSequenceFrozen();
    }

    /// <summary><c>Freeze()</c> and the nested snapshot type it returns: the packed copy and the step that reads it.</summary>
    private void WriteSequenceFrozen()
    {
        string span = $"{N("Span")}<{T}>";
        string readOnly = $"{N("ReadOnlySpan")}<{T}>";
        string lengths = $"/// <exception cref=\"{N("ArgumentException")}\">A span does not have the length given above, or a span this method writes overlaps a span it reads.</exception>";
        _w.WriteLines($$"""

            /// <summary>
            /// Makes an inference-only snapshot of the network as it is now: its parameters copied once into the layout the
            /// step reads fastest. Later writes to <see cref="Parameters"/> (training, loading) do not reach it; freeze again to
            /// serve new weights.
            /// </summary>
            /// <returns>The snapshot.</returns>
            public Frozen Freeze() => new Frozen(Parameters);

            {{N("IFrozenSequenceNetwork")}}<{{T}}> {{N("ISequenceNetwork")}}<{{T}}>.Freeze() => Freeze();

            /// <summary>
            /// An inference-only snapshot of <see cref="{{_name}}"/> (<see cref="Freeze"/>): each recurrent layer's weights of
            /// every gate of a vector of hidden units side by side for each input and state value, dense and convolution
            /// weights transposed into tiles of outputs, so that each value is broadcast once to fused multiply-adds with no
            /// horizontal sum. Its outputs equal the network's to rounding, and it reads and advances the same state
            /// (<see cref="StateSize"/> values). Immutable: safe to call concurrently, each stream with its own state.
            /// </summary>
            public sealed class Frozen : {{N("IFrozenSequenceNetwork")}}<{{T}}>
            {
                // The packed copy is _staticNetPacked[_staticNetOffset..], 64-byte aligned (pinned: it never moves).
                private readonly {{T}}[] _staticNetPacked;
                private readonly int _staticNetOffset;

                internal Frozen({{readOnly}} parameters)
                {
                    _staticNetPacked = {{SequenceRunner}}.Pack(parameters, out _staticNetOffset);
                }

                /// <summary>The number of inputs of one frame: {{_plan.InputSize}}.</summary>
                public const int InputSize = {{_name}}.InputSize;

                /// <summary>The number of outputs of one frame: {{_plan.OutputSize}}.</summary>
                public const int OutputSize = {{_name}}.OutputSize;

                /// <summary>The values of streaming state: {{Layout.StateSize}}, laid out as the network's.</summary>
                public const int StateSize = {{_name}}.StateSize;

                private {{readOnly}} Packed => new {{readOnly}}(_staticNetPacked, _staticNetOffset, _staticNetPacked.Length - _staticNetOffset);

                /// <summary>
                /// Runs one frame of a stream: reads <paramref name="state"/> and advances it by the frame. Allocation-free,
                /// lock-free and constant time: the real-time call.
                /// </summary>
                /// <param name="state">The stream's state: <see cref="StateSize"/> values, all zeros at the start of a stream.</param>
                /// <param name="input">One frame: <see cref="InputSize"/> values.</param>
                /// <param name="output">Receives the output frame: <see cref="OutputSize"/> values.</param>
                {{lengths}}
                public void Step({{span}} state, {{readOnly}} input, {{span}} output) =>
                    {{SequenceRunner}}.StepPacked(Packed, state, input, output);

                /// <summary>Runs a whole sequence from the zero state: the outputs of one <see cref="Step"/> per frame.</summary>
                /// <param name="inputs">The frames, one after another: a positive multiple of <see cref="InputSize"/> values.</param>
                /// <param name="outputs">Receives the output of every frame: <see cref="OutputSize"/> values per frame.</param>
                {{lengths}}
                public void Forward({{readOnly}} inputs, {{span}} outputs) =>
                    {{SequenceRunner}}.ForwardPacked(Packed, inputs, outputs);

                /// <summary>Runs several sequences of <paramref name="sequenceLength"/> frames stored one after another, each from the zero state.</summary>
                /// <param name="inputs">The sequences: a multiple of <paramref name="sequenceLength"/> frames.</param>
                /// <param name="outputs">Receives the output of every frame.</param>
                /// <param name="sequenceLength">The frames of each sequence, at least 1.</param>
                {{lengths}}
                public void ForwardBatch({{readOnly}} inputs, {{span}} outputs, int sequenceLength) =>
                    {{SequenceRunner}}.ForwardPackedBatch(Packed, inputs, outputs, sequenceLength);
            }
            """);
    }

    /// <summary>Where each layer's state is in the state: <c>layer 1 (Conv1D): its last 4 input frames, [0, 4)</c>.</summary>
    private string StateText()
    {
        var parts = new List<string>();
        int offset = 0;
        foreach (LayerPlan layer in _plan.Layers.Where(layer => layer.StateSize > 0))
        {
            string what = layer.Spec.Kind switch
            {
                LayerKind.Conv1D => $"its last {layer.StateSize / layer.Inputs} input frames, oldest first",
                LayerKind.Lstm => "its hidden state, then its cell state",
                _ => "its hidden state",
            };
            parts.Add($"layer {layer.Number} ({layer.Spec.Kind}): {what}, [{offset}, {offset + layer.StateSize})");
            offset += layer.StateSize;
        }

        return parts.Count == 0 ? "no layer keeps state" : string.Join("; ", parts);
    }

    private string SequenceTopologyText() =>
        $"{_plan.InputSize} -> {string.Join(" -> ", _plan.Layers.Select(layer => layer.Title))}, {_plan.Loss}, {_plan.Precision}";

    private void WriteSequenceComposition()
    {
        string network = string.Join(".", _plan.Type.Types.Select(type => type.Name));
        _w.WriteLine($"/// <summary>The composition of <see cref=\"{network}\"/>: one frame and a whole sequence as the layer kernels they call, sizes as constants.</summary>");
        _w.WriteLine(GeneratedCode);
        using (_w.WriteBlock($"file readonly struct {_kernels} : {N("ISequenceKernels")}<{T}>"))
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

                public static int StateSize => {{Layout.StateSize}};

                public static int StepScratchLength => {{Layout.StepScratchLength}};

                public static int SequenceScratchPerFrame => {{Layout.PerFrame}};

                public static int SequenceScratchFixed => {{Layout.Fixed}};

                """);
            WriteInitialize();
            WriteStep();
            WriteStepPacked();
            WriteSequenceBackward();
            _w.WriteLine($"[{N("MethodImpl")}({N("MethodImplOptions")}.AggressiveInlining)]");
            _w.WriteLine($"private static ref {T} At(ref {T} origin, int offset) => ref {N("Unsafe")}.Add(ref origin, offset);");
        }
    }

    private void WriteStep()
    {
        var references = new List<(string Name, string Value)>(ParameterReferences(gradients: false));
        int output = AddFrameReferences(references);
        references.Add(("w", _context.At("s", output)));
        var body = new List<string>();
        foreach (LayerPlan layer in _plan.Layers)
        {
            string x = layer.Number == 1 ? "ref x" : $"ref o{layer.Number - 1}";
            string y = layer == _plan.OutputLayer ? "ref y" : $"ref o{layer.Number}";
            string st = layer.StateSize > 0 ? $"ref st{layer.Number}" : _context.Null;
            body.Add(layer.Step(_context, st, x, y, "ref w"));
        }

        AddSoftmax(body, "ref y");
        WriteMethod(
            "One frame: reads and advances <paramref name=\"state\"/>; the layers' output frames and scratch are in <paramref name=\"s\"/>.",
            $"public static void Step(ref {T} p, ref {T} state, ref {T} x, ref {T} y, ref {T} s)",
            references,
            body);
    }

    /// <summary>
    /// The references of a step to each layer's part of the state (<c>st1</c>, ...) and to the output frames of all layers
    /// but the last at the start of the scratch (<c>o1</c>, ...); returns the length of those frames.
    /// </summary>
    private int AddFrameReferences(List<(string Name, string Value)> references)
    {
        int state = 0;
        foreach (LayerPlan layer in _plan.Layers.Where(layer => layer.StateSize > 0))
        {
            references.Add(($"st{layer.Number}", _context.At("state", state)));
            state += layer.StateSize;
        }

        int output = 0;
        foreach (LayerPlan layer in _plan.Layers.Take(_plan.Layers.Count - 1))
        {
            references.Add(($"o{layer.Number}", _context.At("s", output)));
            output += layer.Outputs;
        }

        return output;
    }

    /// <summary>
    /// The inference snapshot's packed copy (<c>Freeze</c>) of a sequence network: its length, the packing, its step's
    /// scratch (the layers' output frames, then each layer's own scratch) and the step from it, which reads the same state.
    /// </summary>
    private void WriteStepPacked()
    {
        List<(string Name, string Value)> references = WritePackedLayout();
        int output = AddFrameReferences(references);

        // Each layer's scratch follows the output frames: a constant, or an expression where it depends on the vector width.
        int constant = output;
        var terms = new List<string>();
        string Offset() => string.Join(" + ", new[] { constant.ToString(System.Globalization.CultureInfo.InvariantCulture) }.Where(_ => constant != 0 || terms.Count == 0).Concat(terms));
        foreach (LayerPlan layer in _plan.Layers.Where(layer => layer.PackedStepScratch(_context) != "0"))
        {
            string at = Offset();
            references.Add(($"w{layer.Number}", at == "0" ? "ref s" : $"ref At(ref s, {at})"));
            string scratch = layer.PackedStepScratch(_context);
            if (int.TryParse(scratch, out int length))
            {
                constant += length;
            }
            else
            {
                terms.Add(scratch);
            }
        }

        _w.WriteLine("public static int PackedStepScratchLength =>");
        _w.IncreaseIndent();
        _w.WriteLines(Offset().Replace(" + ", " +\n") + ";");
        _w.DecreaseIndent();
        _w.WriteLine();
        var body = new List<string>();
        foreach (LayerPlan layer in _plan.Layers)
        {
            string x = layer.Number == 1 ? "ref x" : $"ref o{layer.Number - 1}";
            string y = layer == _plan.OutputLayer ? "ref y" : $"ref o{layer.Number}";
            string st = layer.StateSize > 0 ? $"ref st{layer.Number}" : _context.Null;
            string w = layer.PackedStepScratch(_context) != "0" ? $"ref w{layer.Number}" : _context.Null;
            body.Add(layer.StepPacked(_context, $"ref q{layer.Number}", st, x, y, w));
        }

        AddSoftmax(body, "ref y");
        references.Insert(0, ("none", $"ref {N("Unsafe")}.NullRef<{T}>()"));
        WriteMethod(
            "<see cref=\"Step\"/> from the packed copy <paramref name=\"q\"/> of the parameters.",
            $"public static void StepPacked(ref {T} q, ref {T} state, ref {T} x, ref {T} y, ref {T} s)",
            references,
            body);
    }

    private void WriteSequenceBackward()
    {
        var references = new List<(string Name, string Value)>(ParameterReferences(gradients: true));
        int perFrame = 0, fixedLength = 0;
        foreach (SequenceRegion region in Layout.Regions)
        {
            string offset = perFrame == 0 ? fixedLength.ToString(System.Globalization.CultureInfo.InvariantCulture)
                : fixedLength == 0 ? $"{perFrame} * frames" : $"({perFrame} * frames) + {fixedLength}";
            references.Add((region.Name, offset == "0" ? "ref s" : $"ref At(ref s, {offset})"));
            perFrame += region.PerFrame;
            fixedLength += region.Fixed;
        }

        foreach (LayerPlan layer in _plan.Layers)
        {
            references.AddRange(layer.SequenceAliases(_context));
        }

        var body = new List<string>();
        foreach (LayerPlan layer in _plan.Layers)
        {
            body.AddRange(layer.SequenceForward(_context, SequenceInputOf(layer)));
        }

        LayerPlan output = _plan.OutputLayer;
        int outputs = _plan.OutputSize;
        string a = $"a{output.Number}";
        if (output.Activation == Activation.Softmax)
        {
            body.Add("for (int i = 0; i < frames; i++)");
            body.Add("{");
            body.Add($"    {N("Output")}<{T}>.Softmax<{output.ShapeName}>(ref At(ref {a}, i * {outputs}));");
            body.Add("}");
            body.Add(string.Empty);
        }

        body.Add($"{T} rate = scale / frames;");
        body.Add($"{T} loss = {Literal(0)};");
        body.Add("for (int i = 0; i < frames; i++)");
        body.Add("{");
        string z = output.KeepsPreActivation ? $"ref At(ref z{output.Number}, i * {outputs})" : _context.Null;
        body.Add($"    loss += {LossCall($"ref At(ref {a}, i * {outputs})", z, $"ref At(ref t, i * {outputs})", $"ref At(ref d0, i * {outputs})", "rate")};");
        body.Add("}");
        body.Add(string.Empty);
        body.Add($"if ({N("Unsafe")}.IsNullRef(ref g))");
        body.Add("{");
        body.Add("    return loss / frames;");
        body.Add("}");
        body.Add(string.Empty);
        for (int i = _plan.Layers.Count - 1; i >= 0; i--)
        {
            LayerPlan layer = _plan.Layers[i];
            string dy = $"ref d{(_plan.Layers.Count - 1 - i) % 2}";
            string dx = i == 0 ? "ref dx" : $"ref d{(_plan.Layers.Count - i) % 2}";
            body.AddRange(layer.SequenceBackward(_context, SequenceInputOf(layer), dy, dx, layer == output));
        }

        body.Add("return loss / frames;");
        WriteMethod(
            "A sequence of <paramref name=\"frames\"/> frames from the zero state: returns the loss (the mean over frames); adds <paramref name=\"scale\"/> · dLoss/dParameters into <paramref name=\"g\"/> and writes dLoss/dInputs into <paramref name=\"dx\"/>, each unless a null reference.",
            $"public static {T} Backward(ref {T} p, ref {T} g, ref {T} x, ref {T} t, ref {T} dx, int frames, {T} scale, ref {T} s)",
            references,
            body);
    }

    /// <summary>The frames a layer reads in a sequence: the network's inputs, or the outputs of the layer below.</summary>
    private string SequenceInputOf(LayerPlan layer) => layer.Number == 1 ? "ref x" : $"ref a{layer.Number - 1}";
}
