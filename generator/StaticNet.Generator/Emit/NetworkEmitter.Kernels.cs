using StaticNet.Generator.Model;
using StaticNet.Generator.Planning;

namespace StaticNet.Generator.Emit;

/// <summary>
/// The file-local kernels class: one forward, one backward and one training block per layer, with the layer's sizes as
/// constants, <c>Vector&lt;T&gt;</c> inner loops and the remainders written out; no loop over layers, no dispatch.
/// </summary>
internal sealed partial class NetworkEmitter
{
    private const string Unsafe = "global::System.Runtime.CompilerServices.Unsafe";
    private const string Inline = "[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]";

    private void WriteKernels()
    {
        _w.WriteLine($"/// <summary>The kernels of <see cref=\"global::{_plan.Type.QualifiedName}\"/>: straight-line code per layer, sizes as constants.</summary>");
        _w.WriteLine(GeneratedCodeAttribute);
        if (_plan.SkipLocalsInit)
        {
            _w.WriteLine(SkipLocalsInitAttribute);
        }

        using (_w.WriteBlock($"file static class {_kernels}"))
        {
            WriteKernelConstants();
            WriteKernelHelpers();
            WriteInitialize();
            WriteForwardDriver();
            WriteBackwardDriver();
            WriteTrainDriver();
            WriteBatchDrivers();
            WriteOutputGradient();
            if (_plan.OutputLayer.Activation == ActivationKind.Softmax)
            {
                WriteSoftmax();
            }

            foreach (LayerPlan layer in _plan.Layers)
            {
                _cancellationToken.ThrowIfCancellationRequested();
                WriteForwardLayer(layer);
                WriteBackwardLayer(layer);
                WriteTrainLayer(layer);
                WriteForwardBlockLayer(layer);
                WriteBackwardBlockLayer(layer);
                if (IsWide(layer))
                {
                    WriteWideForwardLayer(layer);
                    WriteWideForwardBlockLayer(layer);
                    WriteWideBackwardLayer(layer);
                    WriteWideTrainLayer(layer);
                    WriteWideBackwardBlockLayer(layer);
                }
            }
        }
    }

    /// <summary>
    /// Opens a kernel method compiled fully optimised at its first call: tiered compilation would otherwise run the kernels
    /// unoptimised for their first calls and, from a loop that is already running, sometimes far longer.
    /// </summary>
    private System.IDisposable KernelBlock(string header)
    {
        _w.WriteLine(AggressiveOptimization);
        return _w.WriteBlock(header);
    }

    private const string AggressiveOptimization = "[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]";

    /// <summary>In a kernel of a layer that has a 512-bit form: calls it and returns when it runs.</summary>
    private void WriteWideDispatch(LayerPlan layer, string call)
    {
        if (!IsWide(layer))
        {
            return;
        }

        using (_w.WriteBlock("if (Wide)"))
        {
            _w.WriteLine(call);
            _w.WriteLine("return;");
        }

        _w.WriteLine();
    }

    private void WriteKernelConstants()
    {
        LayerPlan output = _plan.OutputLayer;
        _w.WriteLines($$"""
            // Scratch layout (elements of {{T}}): the activations of every layer in order ({{_plan.ActivationsLength}}), then two
            // gradient buffers as wide as the widest layer ({{_plan.DeltaLength}} each; only two are ever alive), then room for a one-hot target.
            public const int InputSize = {{_plan.InputSize}};
            public const int OutputSize = {{_plan.OutputSize}};
            public const int ActivationsLength = {{_plan.ActivationsLength}};
            public const int DeltaLength = {{_plan.DeltaLength}};
            public const int OutputOffset = {{output.OutputOffset}};
            public const int OneHotOffset = ActivationsLength + 2 * DeltaLength;
            public const int ForwardScratchLength = {{_plan.ForwardScratchLength}};
            public const int BackwardScratchLength = {{_plan.BackwardScratchLength}};

            // The batched calls take up to BatchBlock samples through the network at once; their scratch holds, per sample of
            // a block, the activations, two gradient rows and a one-hot target.
            public const int BatchBlock = {{_plan.BatchBlock}};
            public const int BatchForwardScratchLength = BatchBlock * ActivationsLength;
            public const int BatchScratchLength = BatchBlock * (ActivationsLength + 2 * DeltaLength + OutputSize);

            """);
    }

    private void WriteKernelHelpers()
    {
        _w.WriteLines($$"""
            private static nuint VectorSize
            {
                {{Inline}}
                get => (nuint){{_s.Vector}}.Count;
            }

            {{Inline}}
            private static ref {{T}} At(ref {{T}} origin, nuint offset) => ref {{Unsafe}}.Add(ref origin, offset);

            {{Inline}}
            private static {{_s.Vector}} Load(ref {{T}} origin, nuint offset) => global::System.Numerics.Vector.LoadUnsafe(ref origin, offset);

            {{Inline}}
            private static void Store({{_s.Vector}} value, ref {{T}} origin, nuint offset) => global::System.Numerics.Vector.StoreUnsafe(value, ref origin, offset);

            {{Inline}}
            private static void Clear(ref {{T}} origin, int length) => {{Marshal}}.CreateSpan(ref origin, length).Clear();

            """);
        WriteWideHelpers();
    }

    private void WriteInitialize()
    {
        using (_w.WriteBlock($"public static void Initialize(global::System.Span<{T}> parameters, int seed)"))
        {
            _w.WriteLine("var random = new global::StaticNet.NetworkRandom(seed);");
            foreach (LayerPlan layer in _plan.Layers)
            {
                _w.WriteLine($"// Layer {layer.Number} weights: {layer.InitName}; the biases stay zero.");
                _w.WriteLine($"random.FillUniform(parameters.Slice({layer.WeightOffset}, {layer.WeightCount}), {_s.Literal(layer.InitLimit)});");
            }
        }

        _w.WriteLine();
    }

    private static string Offset(string origin, int offset) => offset == 0 ? $"ref {origin}" : $"ref At(ref {origin}, {offset})";

    /// <summary>The activations a layer reads: the network input for the first layer, else the outputs of the layer below.</summary>
    private string InputOf(LayerPlan layer) => layer.IsFirst ? "ref x" : Offset("acts", _plan.Layers[layer.Number - 2].OutputOffset);

    private void WriteForwardDriver()
    {
        _w.WriteLine("/// <summary>Forward pass: the hidden activations go to <paramref name=\"acts\"/>, the output to <paramref name=\"y\"/>.</summary>");
        using (KernelBlock($"public static void Forward(ref {T} p, ref {T} x, ref {T} acts, ref {T} y)"))
        {
            foreach (LayerPlan layer in _plan.Layers)
            {
                string destination = layer == _plan.OutputLayer ? "ref y" : Offset("acts", layer.OutputOffset);
                _w.WriteLine($"ForwardLayer{layer.Number}(ref p, {InputOf(layer)}, {destination});");
            }
        }


        _w.WriteLine();
        _w.WriteLine("/// <summary>The loss of one sample; uses the backward scratch.</summary>");
        using (KernelBlock($"public static {T} Loss(ref {T} p, ref {T} x, ref {T} t, ref {T} scratch)"))
        {
            _w.WriteLine("Forward(ref p, ref x, ref scratch, ref At(ref scratch, OutputOffset));");
            _w.WriteLine("return OutputGradient(ref At(ref scratch, OutputOffset), ref t, ref At(ref scratch, ActivationsLength));");
        }

        if (IsClassifier)
        {
            _w.WriteLine();
            using (KernelBlock($"public static int Predict(ref {T} p, ref {T} x, ref {T} scratch)"))
            {
                _w.WriteLines($$"""
                    ref {{T}} y = ref At(ref scratch, OutputOffset);
                    Forward(ref p, ref x, ref scratch, ref y);
                    int best = 0;
                    {{T}} max = y;
                    for (int j = 1; j < OutputSize; j++)
                    {
                        if (At(ref y, (nuint)j) > max)
                        {
                            max = At(ref y, (nuint)j);
                            best = j;
                        }
                    }

                    return best;
                    """);
            }

            _w.WriteLine();
            _w.WriteLine("/// <summary>Writes a one-hot target for <paramref name=\"label\"/> into the scratch and returns it.</summary>");
            using (_w.WriteBlock($"public static ref {T} OneHot(ref {T} scratch, int label)"))
            {
                _w.WriteLine($"ref {T} target = ref At(ref scratch, OneHotOffset);");
                _w.WriteLine("Clear(ref target, OutputSize);");
                _w.WriteLine($"At(ref target, (nuint)label) = {_s.Literal(1)};");
                _w.WriteLine("return ref target;");
            }
        }

        _w.WriteLine();
    }

    private void WriteBackwardDriver()
    {
        _w.WriteLines("""
            /// <summary>
            /// Forward pass keeping every activation, then the gradient layer by layer from the output down, alternating between
            /// two gradient buffers. Adds dLoss/dParameters into <paramref name="g"/>; writes dLoss/dInput into <paramref name="dx"/>
            /// unless it is a null reference. Returns the loss.
            /// </summary>
            """);
        using (KernelBlock($"public static {T} Backward(ref {T} p, ref {T} g, ref {T} x, ref {T} t, ref {T} scratch, ref {T} dx)"))
        {
            WriteDriverPrologue();
            for (int i = _plan.Layers.Count - 1; i >= 0; i--)
            {
                LayerPlan layer = _plan.Layers[i];
                (string current, string below) = Deltas(layer);
                string propagate = layer.IsFirst ? "ref dx" : $"ref {below}";
                _w.WriteLine($"BackwardLayer{layer.Number}(ref p, ref g, {InputOf(layer)}, ref {current}, {propagate});");
            }

            _w.WriteLine("return loss;");
        }

        _w.WriteLine();
    }

    private void WriteTrainDriver()
    {
        _w.WriteLines("""
            /// <summary>
            /// One SGD step, the seeds' memory plan: from the output down, each layer first takes the gradient for the layer below
            /// from its old weights, then updates its own weights and biases. Returns the loss before the update.
            /// </summary>
            """);
        using (KernelBlock($"public static {T} TrainStep(ref {T} p, ref {T} x, ref {T} t, {T} learningRate, ref {T} scratch)"))
        {
            WriteDriverPrologue();
            for (int i = _plan.Layers.Count - 1; i >= 0; i--)
            {
                LayerPlan layer = _plan.Layers[i];
                (string current, string below) = Deltas(layer);
                string propagate = layer.IsFirst ? string.Empty : $", ref {below}";
                _w.WriteLine($"TrainLayer{layer.Number}(ref p, {InputOf(layer)}, ref {current}{propagate}, learningRate);");
            }

            _w.WriteLine("return loss;");
        }

        _w.WriteLine();
    }

    private void WriteDriverPrologue()
    {
        _w.WriteLine($"ref {T} acts = ref scratch;");
        _w.WriteLine($"ref {T} delta0 = ref At(ref scratch, ActivationsLength);");
        if (_plan.Layers.Count > 1)
        {
            _w.WriteLine($"ref {T} delta1 = ref At(ref scratch, ActivationsLength + DeltaLength);");
        }

        _w.WriteLines($$"""
            Forward(ref p, ref x, ref acts, ref At(ref acts, OutputOffset));
            {{T}} loss = OutputGradient(ref At(ref acts, OutputOffset), ref t, ref delta0);
            """);
    }

    /// <summary>The gradient buffer holding dLoss/dz of this layer, and the one receiving dLoss/dz of the layer below.</summary>
    private (string Current, string Below) Deltas(LayerPlan layer) =>
        (_plan.Layers.Count - layer.Number) % 2 == 0 ? ("delta0", "delta1") : ("delta1", "delta0");

    private void WriteOutputGradient()
    {
        LayerPlan output = _plan.OutputLayer;
        _w.WriteLine($"/// <summary>The {LossName()} loss of the output <paramref name=\"y\"/> against <paramref name=\"t\"/>; writes dLoss/dz of the output layer into <paramref name=\"dz\"/>.</summary>");
        using (KernelBlock($"private static {T} OutputGradient(ref {T} y, ref {T} t, ref {T} dz)"))
        {
            string one = _s.Literal(1);
            string low = _s.Literal(1e-7);
            string high = $"{one} - {low}";
            switch (_plan.Loss)
            {
                case LossKind.CrossEntropy:
                    _w.WriteLines($$"""
                        // Cross-entropy over softmax, fused: dLoss/dz = p * sum(t) - t (p - t for a target that sums to one).
                        {{T}} loss = {{_s.Literal(0)}};
                        {{T}} targetSum = {{_s.Literal(0)}};
                        for (nuint j = 0; j < OutputSize; j++)
                        {
                            {{T}} target = At(ref t, j);
                            targetSum += target;
                            loss -= target * {{_s.Math}}.Log(global::System.Math.Clamp(At(ref y, j), {{low}}, {{high}}));
                        }

                        for (nuint j = 0; j < OutputSize; j++)
                        {
                            At(ref dz, j) = At(ref y, j) * targetSum - At(ref t, j);
                        }

                        return loss;
                        """);
                    break;

                case LossKind.BinaryCrossEntropy:
                    _w.WriteLines($$"""
                        // Binary cross-entropy over sigmoid, fused: dLoss/dz = (p - t) / n. p and 1 - p are clamped to
                        // [1e-7, 1 - 1e-7] each: 1 - p is exact for p >= 0.5, and 1 - 1e-7 has no exact float, so clamping
                        // p alone would bound 1 - p by 1.19e-7 instead of 1e-7 in float.
                        {{T}} loss = {{_s.Literal(0)}};
                        for (nuint j = 0; j < OutputSize; j++)
                        {
                            {{T}} probability = At(ref y, j);
                            {{T}} target = At(ref t, j);
                            {{T}} clamped = global::System.Math.Clamp(probability, {{low}}, {{high}});
                            {{T}} complement = global::System.Math.Clamp({{one}} - probability, {{low}}, {{high}});
                            loss -= target * {{_s.Math}}.Log(clamped) + ({{one}} - target) * {{_s.Math}}.Log(complement);
                            At(ref dz, j) = (probability - target) / OutputSize;
                        }

                        return loss / OutputSize;
                        """);
                    break;

                default:
                    bool softmax = output.Activation == ActivationKind.Softmax;
                    string? derivative = softmax ? null : _s.Derivative(output.Activation, "gradient", "a");
                    _w.WriteLines($$"""
                        // Mean squared error: dLoss/da = 2 (a - t) / n, then through the output activation ({{output.Activation}}).
                        {{T}} loss = {{_s.Literal(0)}};
                        for (nuint j = 0; j < OutputSize; j++)
                        {
                            {{T}} a = At(ref y, j);
                            {{T}} error = a - At(ref t, j);
                            loss += error * error;
                            {{T}} gradient = {{_s.Literal(2)}} * error / OutputSize;
                            At(ref dz, j) = {{derivative ?? "gradient"}};
                        }

                        """);
                    if (softmax)
                    {
                        _w.WriteLines($$"""
                            // Through softmax without forming its Jacobian: dz_j = a_j * (g_j - sum_k g_k a_k).
                            {{T}} dot = {{_s.Literal(0)}};
                            for (nuint j = 0; j < OutputSize; j++)
                            {
                                dot += At(ref dz, j) * At(ref y, j);
                            }

                            for (nuint j = 0; j < OutputSize; j++)
                            {
                                At(ref dz, j) = At(ref y, j) * (At(ref dz, j) - dot);
                            }

                            """);
                    }

                    _w.WriteLine("return loss / OutputSize;");
                    break;
            }
        }

        _w.WriteLine();
    }

    private void WriteLayerPrologue(LayerPlan layer, bool gradients, bool weights = true)
    {
        _w.WriteLine($"const int In = {layer.Inputs}, Out = {layer.Outputs};");
        if (weights)
        {
            _w.WriteLine($"ref {T} w = ref At(ref p, {layer.WeightOffset});");
        }

        if (!gradients)
        {
            _w.WriteLine($"ref {T} b = ref At(ref p, {layer.BiasOffset});");
        }
        else
        {
            _w.WriteLine($"ref {T} gw = ref At(ref g, {layer.WeightOffset});");
            _w.WriteLine($"ref {T} gb = ref At(ref g, {layer.BiasOffset});");
        }
    }

    private void WriteForwardLayer(LayerPlan layer)
    {
        _w.WriteLine($"/// <summary>{LayerTitle(layer)}: y = {layer.Activation}(W x + b), W [{layer.Outputs} x {layer.Inputs}] at {layer.WeightOffset}, b at {layer.BiasOffset}.</summary>");
        using (KernelBlock($"private static void ForwardLayer{layer.Number}(ref {T} p, ref {T} x, ref {T} y)"))
        {
            WriteWideDispatch(layer, $"ForwardLayer{layer.Number}Wide(ref p, ref x, ref y);");
            WriteLayerPrologue(layer, gradients: false);
            using (_w.WriteBlock("for (nuint o = 0; o < Out; o++)"))
            {
                _w.WriteLine($"ref {T} row = ref At(ref w, o * In);");
                WriteDot(layer);
                if (!layer.ScalarInputs)
                {
                    _w.WriteLine();
                }

                _w.WriteLine($"At(ref y, o) = {ActivateInline(layer.Activation, "z")};");
            }

            if (HasActivationPass(layer.Activation) || layer.Activation == ActivationKind.Softmax)
            {
                _w.WriteLine();
                WriteRowFinish(layer, "ref y");
            }
        }

        _w.WriteLine();
    }

    /// <summary>Softmax over the output row in place (only the last layer can be Softmax).</summary>
    private void WriteSoftmax()
    {
        _w.WriteLine("/// <summary>Softmax over the outputs in place, subtracting the maximum first so that Exp never overflows.</summary>");
        using (KernelBlock($"private static void Softmax(ref {T} y)"))
        {
            if (AnyWide && _plan.OutputSize <= Lanes)
            {
                WriteWideSoftmax();
            }

            _w.WriteLines($$"""
                {{T}} max = y;
                for (nuint o = 1; o < OutputSize; o++)
                {
                    max = {{_s.Math}}.Max(max, At(ref y, o));
                }

                {{T}} sum = {{_s.Literal(0)}};
                for (nuint o = 0; o < OutputSize; o++)
                {
                    {{T}} e = {{_s.Math}}.Exp(At(ref y, o) - max);
                    At(ref y, o) = e;
                    sum += e;
                }

                for (nuint o = 0; o < OutputSize; o++)
                {
                    At(ref y, o) /= sum;
                }
                """);
        }

        _w.WriteLine();
    }

    /// <summary>Writes <c>z = b[o] + row · x</c> over the layer's inputs: scalar code for a few inputs, else vector accumulators.</summary>
    private void WriteDot(LayerPlan layer, string x = "x")
    {
        if (layer.ScalarInputs)
        {
            var terms = new System.Text.StringBuilder("At(ref b, o)");
            for (int i = 0; i < layer.Inputs; i++)
            {
                terms.Append($" + At(ref row, {i}) * At(ref {x}, {i})");
            }

            _w.WriteLine($"{T} z = {terms};");
            return;
        }

        if (layer.UnrolledChunks > 0)
        {
            WriteUnrolledDot(layer, x);
            return;
        }

        int k = layer.Accumulators;
        var declarations = new System.Text.StringBuilder();
        for (int a = 0; a < k; a++)
        {
            declarations.Append(a == 0 ? string.Empty : ", ").Append($"acc{a} = {_s.Vector}.Zero");
        }

        _w.WriteLine($"{_s.Vector} {declarations};");
        _w.WriteLine("nuint i = 0;");
        if (k > 1)
        {
            using (_w.WriteBlock($"for (; i + {k} * VectorSize <= In; i += {k} * VectorSize)"))
            {
                for (int a = 0; a < k; a++)
                {
                    string at = a switch { 0 => "i", 1 => "i + VectorSize", _ => $"i + {a} * VectorSize" };
                    _w.WriteLine($"acc{a} += Load(ref row, {at}) * Load(ref {x}, {at});");
                }
            }

            _w.WriteLine();
        }

        using (_w.WriteBlock("for (; i + VectorSize <= In; i += VectorSize)"))
        {
            _w.WriteLine($"acc0 += Load(ref row, i) * Load(ref {x}, i);");
        }

        _w.WriteLine();
        string sum = k switch
        {
            1 => "acc0",
            2 => "acc0 + acc1",
            _ => "(acc0 + acc1) + (acc2 + acc3)",
        };
        _w.WriteLine($"{T} z = At(ref b, o) + global::System.Numerics.Vector.Sum({sum});");
        using (_w.WriteBlock("for (; i < In; i++)"))
        {
            _w.WriteLine($"z += At(ref row, i) * At(ref {x}, i);");
        }
    }

    /// <summary>
    /// Writes <c>z = b[o] + row · x</c> for inputs that fit in a few vectors: every chunk written out, two accumulators,
    /// then the remainder, whose length is a constant once the vector width is known.
    /// </summary>
    private void WriteUnrolledDot(LayerPlan layer, string x)
    {
        int k = System.Math.Min(2, layer.UnrolledChunks);
        _w.WriteLine(k == 1
            ? $"{_s.Vector} acc0 = {_s.Vector}.Zero;"
            : $"{_s.Vector} acc0 = {_s.Vector}.Zero, acc1 = {_s.Vector}.Zero;");
        _w.WriteLine($"// {layer.Inputs} inputs, unrolled: a chunk is compiled only if it fits at this machine's vector width (the JIT folds each test).");
        for (int c = 0; c < layer.UnrolledChunks; c++)
        {
            string at = ChunkOffset(c);
            _w.WriteLine($"if ({ChunkEnd(c)} <= In) acc{c % k} += Load(ref row, {at}) * Load(ref {x}, {at});");
        }

        _w.WriteLine($"{T} z = At(ref b, o) + global::System.Numerics.Vector.Sum({(k == 1 ? "acc0" : "acc0 + acc1")});");
        using (_w.WriteBlock("for (nuint i = In / VectorSize * VectorSize; i < In; i++)"))
        {
            _w.WriteLine($"z += At(ref row, i) * At(ref {x}, i);");
        }
    }

    private static string ChunkOffset(int chunk) => chunk switch
    {
        0 => "0",
        1 => "VectorSize",
        _ => $"{chunk} * VectorSize",
    };

    private static string ChunkEnd(int chunk) => chunk == 0 ? "VectorSize" : $"{chunk + 1} * VectorSize";

    /// <summary>Writes <c>target[0..In) += scale * source[0..In)</c>, with the scalar and vector forms of the factor in scope.</summary>
    private void WriteAxpy(LayerPlan layer, string target, string scalar, string vector, string source)
    {
        if (layer.ScalarInputs)
        {
            for (int i = 0; i < layer.Inputs; i++)
            {
                _w.WriteLine($"At(ref {target}, {i}) += {scalar} * At(ref {source}, {i});");
            }

            return;
        }

        if (layer.UnrolledChunks > 0)
        {
            _w.WriteLine($"// {layer.Inputs} inputs, unrolled: a chunk is compiled only if it fits at this machine's vector width (the JIT folds each test).");
            for (int c = 0; c < layer.UnrolledChunks; c++)
            {
                string at = ChunkOffset(c);
                _w.WriteLine($"if ({ChunkEnd(c)} <= In) Store(Load(ref {target}, {at}) + {vector} * Load(ref {source}, {at}), ref {target}, {at});");
            }

            using (_w.WriteBlock("for (nuint i = In / VectorSize * VectorSize; i < In; i++)"))
            {
                _w.WriteLine($"At(ref {target}, i) += {scalar} * At(ref {source}, i);");
            }

            return;
        }

        _w.WriteLine("nuint i = 0;");
        using (_w.WriteBlock("for (; i + VectorSize <= In; i += VectorSize)"))
        {
            _w.WriteLine($"Store(Load(ref {target}, i) + {vector} * Load(ref {source}, i), ref {target}, i);");
        }

        _w.WriteLine();
        using (_w.WriteBlock("for (; i < In; i++)"))
        {
            _w.WriteLine($"At(ref {target}, i) += {scalar} * At(ref {source}, i);");
        }
    }

    /// <summary>Writes dLoss/dz of the layer below: <c>dx = Wᵀ dz</c>, then through the activation of the layer below.</summary>
    private void WritePropagation(LayerPlan layer)
    {
        _w.WriteLine("Clear(ref dx, In);");
        using (_w.WriteBlock("for (nuint o = 0; o < Out; o++)"))
        {
            _w.WriteLine($"{T} d = At(ref dz, o);");
            if (!layer.ScalarInputs)
            {
                _w.WriteLine($"{_s.Vector} dv = new {_s.Vector}(d);");
            }

            _w.WriteLine($"ref {T} row = ref At(ref w, o * In);");
            WriteAxpy(layer, "dx", "d", "dv", "row");
        }

        string? derivative = layer.InputActivation is { } below ? _s.Derivative(below, "At(ref dx, i)", "At(ref x, i)") : null;
        if (derivative is not null)
        {
            _w.WriteLine();
            _w.WriteLine($"// Through the activation of layer {layer.Number - 1} ({layer.InputActivation}), from its outputs x.");
            using (_w.WriteBlock("for (nuint i = 0; i < In; i++)"))
            {
                _w.WriteLine($"At(ref dx, i) = {derivative};");
            }
        }
    }

    private void WriteBackwardLayer(LayerPlan layer)
    {
        string below = layer.IsFirst ? "dLoss/dInput into dx unless dx is a null reference" : $"dLoss/dz of layer {layer.Number - 1} into dx";
        _w.WriteLine($"/// <summary>{LayerTitle(layer)}, backward: adds dLoss/dW = dz xᵀ and dLoss/db = dz, writes {below}.</summary>");
        using (KernelBlock($"private static void BackwardLayer{layer.Number}(ref {T} p, ref {T} g, ref {T} x, ref {T} dz, ref {T} dx)"))
        {
            WriteWideDispatch(layer, $"BackwardLayer{layer.Number}Wide(ref p, ref g, ref x, ref dz, ref dx);");
            WriteLayerPrologue(layer, gradients: true);
            using (_w.WriteBlock("for (nuint o = 0; o < Out; o++)"))
            {
                _w.WriteLine($"{T} d = At(ref dz, o);");
                if (!layer.ScalarInputs)
                {
                    _w.WriteLine($"{_s.Vector} dv = new {_s.Vector}(d);");
                }

                _w.WriteLine("At(ref gb, o) += d;");
                _w.WriteLine($"ref {T} gradientRow = ref At(ref gw, o * In);");
                WriteAxpy(layer, "gradientRow", "d", "dv", "x");
            }

            _w.WriteLine();
            if (layer.IsFirst)
            {
                using (_w.WriteBlock($"if (!{Unsafe}.IsNullRef(ref dx))"))
                {
                    WritePropagation(layer);
                }
            }
            else
            {
                WritePropagation(layer);
            }
        }

        _w.WriteLine();
    }

    private void WriteTrainLayer(LayerPlan layer)
    {
        string propagate = layer.IsFirst ? string.Empty : $"ref {T} dx, ";
        string first = layer.IsFirst ? string.Empty : $" after writing dLoss/dz of layer {layer.Number - 1} into dx from the old weights";
        _w.WriteLine($"/// <summary>{LayerTitle(layer)}, SGD step: W -= learningRate dz xᵀ, b -= learningRate dz{first}.</summary>");
        using (KernelBlock($"private static void TrainLayer{layer.Number}(ref {T} p, ref {T} x, ref {T} dz, {propagate}{T} learningRate)"))
        {
            WriteWideDispatch(layer, $"TrainLayer{layer.Number}Wide(ref p, ref x, ref dz, {(layer.IsFirst ? string.Empty : "ref dx, ")}learningRate);");
            WriteLayerPrologue(layer, gradients: false);
            if (!layer.IsFirst)
            {
                WritePropagation(layer);
                _w.WriteLine();
            }

            using (_w.WriteBlock("for (nuint o = 0; o < Out; o++)"))
            {
                _w.WriteLine($"{T} step = -learningRate * At(ref dz, o);");
                if (!layer.ScalarInputs)
                {
                    _w.WriteLine($"{_s.Vector} stepVector = new {_s.Vector}(step);");
                }

                _w.WriteLine("At(ref b, o) += step;");
                _w.WriteLine($"ref {T} row = ref At(ref w, o * In);");
                WriteAxpy(layer, "row", "step", "stepVector", "x");
            }
        }

        _w.WriteLine();
    }
}
