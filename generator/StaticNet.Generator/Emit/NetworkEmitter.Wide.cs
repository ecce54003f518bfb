using System.Linq;
using StaticNet.Generator.Model;
using StaticNet.Generator.Planning;

namespace StaticNet.Generator.Emit;

/// <summary>
/// The 512-bit kernels, taken when the machine has AVX-512 and the runtime uses it (<c>Vector512.IsHardwareAccelerated</c>,
/// a constant to the JIT, so the other path is not even compiled). <c>Vector&lt;T&gt;</c> stays 256 bits wide on such
/// machines unless the application sets <c>DOTNET_MaxVectorTBitWidth=512</c>, so these are written with
/// <c>Vector512&lt;T&gt;</c> explicitly.
/// <para>
/// Forward: the weights keep the public <c>[out][in]</c> layout, so each output is an inner product along the inputs.
/// A group of outputs (16 floats or 8 doubles: one vector's worth) has one accumulator each, filled by fused
/// multiply-adds over the input chunks; one transpose-and-add tree (<c>Sums</c>) then turns the group's accumulators into
/// one vector of outputs, instead of one horizontal sum per output. The batched forward pass tiles two samples by half a
/// group of outputs through the same tree, and every accumulator sees the same multiply-adds in the same order, so its
/// results are the same to the bit as the single-sample pass.
/// </para>
/// <para>
/// Backward and training: the gradient rows and the weight update run along the inputs (<c>w += step · x</c>), and the
/// gradient for the layer below (<c>dx = Wᵀ dz</c>) is kept in registers for a tile of inputs while every weight row
/// passes once, the update of that row done in the same pass from the value just read.
/// </para>
/// </summary>
internal sealed partial class NetworkEmitter
{
    private const string V512 = "global::System.Runtime.Intrinsics.Vector512";
    private const string Avx512 = "global::System.Runtime.Intrinsics.X86.Avx512F";

    /// <summary>Input chunks of a tile of dx kept in registers by the wide propagation.</summary>
    private const int PropagationChunks = 8;

    /// <summary>Elements of the scalar type in one 512-bit vector.</summary>
    private int Lanes => _plan.Scalar == ScalarKind.Double ? 8 : 16;

    private string W => $"{V512}<{T}>";

    /// <summary>Whether a layer gets the 512-bit kernels: its inputs fill at least one vector.</summary>
    private bool IsWide(LayerPlan layer) => layer.Inputs >= Lanes;

    /// <summary>A layer with fewer outputs than a quarter group sums each output alone (same tree, fewer steps).</summary>
    private bool IsNarrow(LayerPlan layer) => layer.Outputs * 4 < Lanes;

    private bool AnyWide => _plan.Layers.Any(IsWide);

    /// <summary>Tanh and Sigmoid are applied in a pass over a layer's outputs after the inner products (vectorised when it pays).</summary>
    private static bool HasActivationPass(ActivationKind activation) => activation is ActivationKind.Tanh or ActivationKind.Sigmoid;

    /// <summary>The row of a group held by accumulator <paramref name="slot"/>: the order <c>Sums</c> leaves its lanes in.</summary>
    private int SlotRow(int slot) => _plan.Scalar == ScalarKind.Double ? (2 * (slot % 4)) + (slot / 4) : (4 * (slot % 4)) + (slot / 4);

    private void WriteWideHelpers()
    {
        bool tanh = _plan.Scalar == ScalarKind.Single && _plan.Layers.Any(l => l.Activation == ActivationKind.Tanh);
        if (AnyWide || tanh)
        {
            _w.WriteLines($$"""
            /// <summary>
            /// Whether the 512-bit kernels run: the machine has AVX-512 and the runtime uses it (<c>DOTNET_PreferredVectorBitWidth</c>
            /// below 512 turns it off). A constant to the JIT: the path not taken is not compiled.
            /// </summary>
            private static bool Wide
            {
                {{Inline}}
                get => {{V512}}.IsHardwareAccelerated && {{Avx512}}.IsSupported;
            }

            """);
            _w.WriteLines($$"""
                {{Inline}}
                private static {{W}} Load512(ref {{T}} origin, nuint offset) => {{V512}}.LoadUnsafe(ref origin, offset);

                {{Inline}}
                private static void Store512({{W}} value, ref {{T}} origin, nuint offset) => {{V512}}.StoreUnsafe(value, ref origin, offset);

                {{Inline}}
                private static {{W}} Fma({{W}} a, {{W}} b, {{W}} c) => {{Avx512}}.FusedMultiplyAdd(a, b, c);

                """);
        }

        if (AnyWide)
        {
            WriteSums();
        }

        if (tanh)
        {
            WriteTanh512();
        }

        if (AnyWide && _plan.OutputLayer.Activation == ActivationKind.Softmax && _plan.OutputSize <= Lanes)
        {
            WriteSoftmaxVector();
        }

        foreach (ActivationKind activation in _plan.Layers.Select(l => l.Activation).Where(HasActivationPass).Distinct())
        {
            WriteActivationPass(activation);
        }
    }

    /// <summary>The transpose-and-add tree over one group of accumulators, and the same tree for one accumulator alone.</summary>
    private void WriteSums()
    {
        int lanes = Lanes;
        string parameters = string.Join(", ", Enumerable.Range(0, lanes).Select(a => $"{W} a{a}"));
        _w.WriteLine("/// <summary>");
        _w.WriteLine($"/// The sum of the lanes of each accumulator, all in one vector: the sums of a0, a1, ... land in lanes {string.Join(", ", Enumerable.Range(0, lanes).Select(SlotRow))}.");
        _w.WriteLine("/// Every accumulator's lanes are added in the same tree as <see cref=\"Sum\"/> adds them (halves, quarters, then pairs), so");
        _w.WriteLine("/// a sum does not depend on the slot it was computed in.");
        _w.WriteLine("/// </summary>");
        _w.WriteLine(Inline);
        using (_w.WriteBlock($"private static {W} Sums({parameters})"))
        {
            if (lanes == 16)
            {
                _w.WriteLines($$"""
                    // Halves: [a.lo + a.hi, b.lo + b.hi] per pair.
                    {{W}} h0 = Half(a0, a1), h1 = Half(a2, a3), h2 = Half(a4, a5), h3 = Half(a6, a7);
                    {{W}} h4 = Half(a8, a9), h5 = Half(a10, a11), h6 = Half(a12, a13), h7 = Half(a14, a15);
                    // Quarters: one 128-bit lane per accumulator.
                    {{W}} q0 = Quarter(h0, h1), q1 = Quarter(h2, h3), q2 = Quarter(h4, h5), q3 = Quarter(h6, h7);
                    // Pairs within each 128-bit lane, twice.
                    {{W}} p0 = Pair(q0, q1), p1 = Pair(q2, q3);
                    return Pair(p0, p1);
                    """);
            }
            else
            {
                _w.WriteLines($$"""
                    // Halves: [a.lo + a.hi, b.lo + b.hi] per pair.
                    {{W}} h0 = Half(a0, a1), h1 = Half(a2, a3), h2 = Half(a4, a5), h3 = Half(a6, a7);
                    // Quarters: one 128-bit lane per accumulator.
                    {{W}} q0 = Quarter(h0, h1), q1 = Quarter(h2, h3);
                    // The pair within each 128-bit lane.
                    return {{Avx512}}.UnpackLow(q0, q1) + {{Avx512}}.UnpackHigh(q0, q1);
                    """);
            }
        }

        _w.WriteLine();
        _w.WriteLines($$"""
            {{Inline}}
            private static {{W}} Half({{W}} a, {{W}} b) => {{V512}}.ConditionalSelect(UpperHalf, b, a) + {{Avx512}}.Shuffle4x128(a, b, 0x4E);

            /// <summary>All bits set in the upper 256 bits.</summary>
            private static {{W}} UpperHalf
            {
                {{Inline}}
                get => {{V512}}.{{(_plan.Scalar == ScalarKind.Double ? "AsDouble" : "AsSingle")}}({{V512}}.Create(0L, 0L, 0L, 0L, -1L, -1L, -1L, -1L));
            }

            {{Inline}}
            private static {{W}} Quarter({{W}} a, {{W}} b) => {{Avx512}}.Shuffle4x128(a, b, 0x88) + {{Avx512}}.Shuffle4x128(a, b, 0xDD);

            """);
        if (lanes == 16)
        {
            _w.WriteLines($$"""
                {{Inline}}
                private static {{W}} Pair({{W}} a, {{W}} b) => {{Avx512}}.Shuffle(a, b, 0x88) + {{Avx512}}.Shuffle(a, b, 0xDD);

                /// <summary>The sum of the lanes of <paramref name="a"/>, added in the order <see cref="Sums"/> adds them.</summary>
                {{Inline}}
                private static float Sum({{W}} a)
                {
                    global::System.Runtime.Intrinsics.Vector256<float> half = {{V512}}.GetLower(a) + {{V512}}.GetUpper(a);
                    global::System.Runtime.Intrinsics.Vector128<float> quarter = global::System.Runtime.Intrinsics.Vector256.GetLower(half) + global::System.Runtime.Intrinsics.Vector256.GetUpper(half);
                    return (global::System.Runtime.Intrinsics.Vector128.ToScalar(quarter) + global::System.Runtime.Intrinsics.Vector128.GetElement(quarter, 1)) + (global::System.Runtime.Intrinsics.Vector128.GetElement(quarter, 2) + global::System.Runtime.Intrinsics.Vector128.GetElement(quarter, 3));
                }

                """);
        }
        else
        {
            _w.WriteLines($$"""
                /// <summary>The sum of the lanes of <paramref name="a"/>, added in the order <see cref="Sums"/> adds them.</summary>
                {{Inline}}
                private static double Sum({{W}} a)
                {
                    global::System.Runtime.Intrinsics.Vector256<double> half = {{V512}}.GetLower(a) + {{V512}}.GetUpper(a);
                    global::System.Runtime.Intrinsics.Vector128<double> quarter = global::System.Runtime.Intrinsics.Vector256.GetLower(half) + global::System.Runtime.Intrinsics.Vector256.GetUpper(half);
                    return global::System.Runtime.Intrinsics.Vector128.ToScalar(quarter) + global::System.Runtime.Intrinsics.Vector128.GetElement(quarter, 1);
                }

                """);
        }
    }

    /// <summary>Eigen's 13/6 rational tanh for float (a couple of ulps; clamped where it reaches ±1; NaN passes through).</summary>
    private void WriteTanh512()
    {
        _w.WriteLines($$"""
            /// <summary>
            /// tanh of every lane: Eigen's 13/6-degree rational approximation (accurate to a couple of ulps, exactly ±1 beyond
            /// ±7.9988, x itself below 0.0004 in magnitude), NaN passed through.
            /// </summary>
            {{Inline}}
            private static {{W}} Tanh512({{W}} a)
            {
                {{W}} x = {{Avx512}}.Max({{Avx512}}.Min(a, {{V512}}.Create(7.99881172180175781f)), {{V512}}.Create(-7.99881172180175781f));
                {{W}} x2 = x * x;
                {{W}} p = Fma(x2, {{V512}}.Create(-2.76076847742355e-16f), {{V512}}.Create(2.00018790482477e-13f));
                p = Fma(x2, p, {{V512}}.Create(-8.60467152213735e-11f));
                p = Fma(x2, p, {{V512}}.Create(5.12229709037114e-08f));
                p = Fma(x2, p, {{V512}}.Create(1.48572235717979e-05f));
                p = Fma(x2, p, {{V512}}.Create(6.37261928875436e-04f));
                p = Fma(x2, p, {{V512}}.Create(4.89352455891786e-03f));
                p *= x;
                {{W}} q = Fma(x2, {{V512}}.Create(1.19825839466702e-06f), {{V512}}.Create(1.18534705686654e-04f));
                q = Fma(x2, q, {{V512}}.Create(2.26843463243900e-03f));
                q = Fma(x2, q, {{V512}}.Create(4.89352518554385e-03f));
                {{W}} tiny = {{V512}}.LessThan({{V512}}.Abs(a), {{V512}}.Create(0.0004f));
                {{W}} result = {{V512}}.ConditionalSelect(tiny, a, p / q);
                return {{V512}}.ConditionalSelect({{V512}}.Equals(a, a), result, a);
            }

            /// <summary>One lane of <see cref="Tanh512"/>, to the bit: the same operations in the same order, one value at a time.</summary>
            {{Inline}}
            private static float TanhScalar(float a)
            {
                float x = global::System.MathF.Max(global::System.MathF.Min(a, 7.99881172180175781f), -7.99881172180175781f);
                float x2 = x * x;
                float p = global::System.MathF.FusedMultiplyAdd(x2, -2.76076847742355e-16f, 2.00018790482477e-13f);
                p = global::System.MathF.FusedMultiplyAdd(x2, p, -8.60467152213735e-11f);
                p = global::System.MathF.FusedMultiplyAdd(x2, p, 5.12229709037114e-08f);
                p = global::System.MathF.FusedMultiplyAdd(x2, p, 1.48572235717979e-05f);
                p = global::System.MathF.FusedMultiplyAdd(x2, p, 6.37261928875436e-04f);
                p = global::System.MathF.FusedMultiplyAdd(x2, p, 4.89352455891786e-03f);
                p *= x;
                float q = global::System.MathF.FusedMultiplyAdd(x2, 1.19825839466702e-06f, 1.18534705686654e-04f);
                q = global::System.MathF.FusedMultiplyAdd(x2, q, 2.26843463243900e-03f);
                q = global::System.MathF.FusedMultiplyAdd(x2, q, 4.89352518554385e-03f);
                float result = global::System.MathF.Abs(a) < 0.0004f ? a : p / q;
                return float.IsNaN(a) ? a : result;
            }

            """);
    }

    /// <summary>The activation pass over <c>n</c> outputs: whole vectors with the 512-bit form where there is one, the rest scalar.</summary>
    private void WriteActivationPass(ActivationKind activation)
    {
        bool vector = activation == ActivationKind.Tanh && _plan.Scalar == ScalarKind.Single;
        _w.WriteLine($"/// <summary>{activation} over <paramref name=\"n\"/> outputs in place{(vector ? ": where the 512-bit kernels run, 16 at a time and the rest with the same formula one by one" : string.Empty)}.</summary>");
        using (KernelBlock($"private static void Activate{activation}(ref {T} y, nuint n)"))
        {
            _w.WriteLine("nuint i = 0;");
            if (vector)
            {
                using (_w.WriteBlock("if (Wide)"))
                {
                    using (_w.WriteBlock("for (; i + 16 <= n; i += 16)"))
                    {
                        _w.WriteLine("Store512(Tanh512(Load512(ref y, i)), ref y, i);");
                    }
                }

                _w.WriteLine();
            }

            using (_w.WriteBlock("for (; i < n; i++)"))
            {
                _w.WriteLine($"{T} z = At(ref y, i);");
                _w.WriteLine($"At(ref y, i) = {(vector ? $"Wide ? TanhScalar(z) : {_s.Activate(activation, "z")}" : _s.Activate(activation, "z"))};");
            }
        }

        _w.WriteLine();
    }

    /// <summary>The activation of one pre-activation <paramref name="z"/> as the forward kernels write it: Tanh and Sigmoid wait for the pass.</summary>
    private string ActivateInline(ActivationKind activation, string z, bool wide = false) =>
        wide && IsInlineTanh(activation) ? $"TanhScalar({z})" : HasActivationPass(activation) ? z : _s.Activate(activation, z);

    /// <summary>Whether a 512-bit forward kernel has work after the inner products of a row: an activation pass or softmax.</summary>
    private bool NeedsRowFinish(LayerPlan layer) =>
        (HasActivationPass(layer.Activation) && !IsInlineTanh(layer.Activation)) || layer.Activation == ActivationKind.Softmax;

    /// <summary>Whether the 512-bit kernels apply the activation themselves: Tanh in float, with <c>Tanh512</c> and its scalar twin.</summary>
    private bool IsInlineTanh(ActivationKind activation) => activation == ActivationKind.Tanh && _plan.Scalar == ScalarKind.Single;

    /// <summary>The statements after a layer's inner products for one output row at <paramref name="row"/>: the activation pass, softmax.</summary>
    private void WriteRowFinish(LayerPlan layer, string row, bool wide = false)
    {
        if (HasActivationPass(layer.Activation) && !(wide && IsInlineTanh(layer.Activation)))
        {
            _w.WriteLine($"Activate{layer.Activation}({row}, Out);");
        }

        if (layer.Activation == ActivationKind.Softmax)
        {
            _w.WriteLine($"Softmax({row});");
        }
    }

    /// <summary>The 512-bit activation of a vector of pre-activations, for the activations the inner-product kernels apply themselves.</summary>
    private string ActivateVector(ActivationKind activation, string z) => activation switch
    {
        ActivationKind.ReLU => $"{V512}.ConditionalSelect({V512}.LessThan({z}, {W}.Zero), {W}.Zero, {z})",
        ActivationKind.LeakyReLU => $"{V512}.ConditionalSelect({V512}.LessThan({z}, {W}.Zero), {V512}.Create({_s.Literal(0.01)}) * {z}, {z})",
        ActivationKind.Tanh when IsInlineTanh(activation) => $"Tanh512({z})",
        _ => z,
    };

    /// <summary>The mask of the last <c>In % Lanes</c> lanes, for the overlapping last chunk of a row.</summary>
    private void WriteTailMask(LayerPlan layer)
    {
        int tail = layer.Inputs % Lanes;
        if (tail == 0)
        {
            return;
        }

        string suffix = _plan.Scalar == ScalarKind.Double ? "L" : string.Empty;
        string values = string.Join(", ", Enumerable.Range(0, Lanes).Select(l => (l >= Lanes - tail ? "-1" : "0") + suffix));
        string cast = _plan.Scalar == ScalarKind.Double ? "AsDouble" : "AsSingle";
        _w.WriteLine($"// The last chunk starts at In - {Lanes} and overlaps the one before it: only its last {tail} lanes count.");
        _w.WriteLine($"{W} tailMask = {V512}.{cast}({V512}.Create({values}));");
    }

    private string TailStart(LayerPlan layer) => $"{layer.Inputs - Lanes}";

    /// <summary>
    /// Softmax of up to one vector of outputs in registers: the unused lanes are -∞ (exp gives 0), the maximum and the sum
    /// are taken across lanes, <c>Vector512.Exp</c> (from .NET 9) does the rest.
    /// </summary>
    private void WriteWideSoftmax()
    {
        int bytes = _plan.OutputSize * (_plan.Scalar == ScalarKind.Double ? 8 : 4);
        _w.WriteLines($$"""
            #if NET9_0_OR_GREATER
            if (Wide)
            {
                {{W}} z = default;
                {{Unsafe}}.CopyBlockUnaligned(ref {{Unsafe}}.As<{{W}}, byte>(ref z), ref {{Unsafe}}.As<{{T}}, byte>(ref y), {{bytes}});
                {{W}} e = SoftmaxVector(z);
                {{Unsafe}}.CopyBlockUnaligned(ref {{Unsafe}}.As<{{T}}, byte>(ref y), ref {{Unsafe}}.As<{{W}}, byte>(ref e), {{bytes}});
                return;
            }
            #endif

            """);
    }

    /// <summary>Softmax of the first OutputSize lanes of a vector, shared by every path that computes one (.NET 9 and later).</summary>
    private void WriteSoftmaxVector()
    {
        string v256 = "global::System.Runtime.Intrinsics.Vector256";
        string v128 = "global::System.Runtime.Intrinsics.Vector128";
        string integer = _plan.Scalar == ScalarKind.Double ? "long" : "int";
        string cast = _plan.Scalar == ScalarKind.Double ? "AsDouble" : "AsSingle";
        _w.WriteLines($$"""
            #if NET9_0_OR_GREATER
            /// <summary>
            /// Softmax of the first <see cref="OutputSize"/> lanes of <paramref name="z"/> (the other lanes are ignored and come
            /// out 0): the maximum subtracted first, then <c>Vector512.Exp</c>, then division by the sum.
            /// </summary>
            {{Inline}}
            private static {{W}} SoftmaxVector({{W}} z)
            {
                z = {{V512}}.ConditionalSelect({{V512}}.{{cast}}({{V512}}.LessThan({{V512}}<{{integer}}>.Indices, {{V512}}.Create(({{integer}})OutputSize))), z, {{V512}}.Create({{T}}.NegativeInfinity));
                {{v256}}<{{T}}> half = {{v256}}.Max({{V512}}.GetLower(z), {{V512}}.GetUpper(z));
                {{v128}}<{{T}}> quarter = {{v128}}.Max({{v256}}.GetLower(half), {{v256}}.GetUpper(half));
                {{T}} peak = {{MaxOfQuarter()}};
                {{W}} e = {{V512}}.Exp(z - {{V512}}.Create(peak));
                return e / {{V512}}.Create(Sum(e));
            }
            #endif

            """);
    }

    private string MaxOfQuarter()
    {
        string v128 = "global::System.Runtime.Intrinsics.Vector128";
        return _plan.Scalar == ScalarKind.Double
            ? $"{_s.Math}.Max({v128}.ToScalar(quarter), {v128}.GetElement(quarter, 1))"
            : $"{_s.Math}.Max({_s.Math}.Max({v128}.ToScalar(quarter), {v128}.GetElement(quarter, 1)), {_s.Math}.Max({v128}.GetElement(quarter, 2), {v128}.GetElement(quarter, 3)))";
    }

    // ---- Forward -------------------------------------------------------------------------------------------------------

    private void WriteWideForwardLayer(LayerPlan layer)
    {
        _w.WriteLine($"/// <summary>{LayerTitle(layer)}, 512-bit: groups of {Lanes} outputs, one accumulator each, summed by one tree.</summary>");
        using (KernelBlock($"private static void ForwardLayer{layer.Number}Wide(ref {T} p, ref {T} x, ref {T} y)"))
        {
            WriteLayerPrologue(layer, gradients: false);
            WriteTailMask(layer);
            if (layer.Activation == ActivationKind.Softmax && layer.Outputs <= Lanes && !IsNarrow(layer))
            {
                WriteSoftmaxInRegisters(layer);
            }

            if (IsNarrow(layer))
            {
                using (_w.WriteBlock("for (nuint o = 0; o < Out; o++)"))
                {
                    _w.WriteLine($"ref {T} row = ref At(ref w, o * In);");
                    WriteWideAccumulation(layer, [("row", "0", "x")]);
                    _w.WriteLine($"{T} z = Sum(acc0) + At(ref b, o);");
                    _w.WriteLine($"At(ref y, o) = {ActivateInline(layer.Activation, "z", wide: true)};");
                }
            }
            else
            {
                int full = layer.Outputs / Lanes;
                int rest = layer.Outputs % Lanes;
                if (full > 0)
                {
                    using (_w.WriteBlock($"for (nuint o = 0; o + {Lanes} <= Out; o += {Lanes})"))
                    {
                        _w.WriteLine($"ref {T} row = ref At(ref w, o * In);");
                        WriteWideAccumulation(layer, Enumerable.Range(0, Lanes).Select(s => ("row", RowOffset(SlotRow(s)), "x")).ToArray());
                        _w.WriteLine($"{W} z = Sums({Accumulators(Lanes)}) + Load512(ref b, o);");
                        _w.WriteLine($"Store512({ActivateVector(layer.Activation, "z")}, ref y, o);");
                    }
                }

                if (rest > 0)
                {
                    if (full > 0)
                    {
                        _w.WriteLine();
                    }

                    _w.WriteLine($"// The last {rest} outputs: a group with the other accumulators empty.");
                    using (_w.WriteBlock())
                    {
                        _w.WriteLine($"const nuint o = Out - {rest};");
                        _w.WriteLine($"ref {T} row = ref At(ref w, o * In);");
                        var slots = Enumerable.Range(0, Lanes).Select(s => SlotRow(s) < rest ? ("row", RowOffset(SlotRow(s)), "x") : default).ToArray();
                        WriteWideAccumulation(layer, slots);
                        _w.WriteLine($"{W} sums = Sums({Accumulators(Lanes)});");
                        _w.WriteLine($"ref {T} lanes = ref {Unsafe}.As<{W}, {T}>(ref sums);");
                        using (_w.WriteBlock($"for (nuint j = 0; j < {rest}; j++)"))
                        {
                            _w.WriteLine($"{T} z = At(ref lanes, j) + At(ref b, o + j);");
                            _w.WriteLine($"At(ref y, o + j) = {ActivateInline(layer.Activation, "z", wide: true)};");
                        }
                    }
                }
            }

            if (NeedsRowFinish(layer))
            {
                _w.WriteLine();
                WriteRowFinish(layer, "ref y", wide: true);
            }
        }

        _w.WriteLine();
    }

    /// <summary>
    /// A softmax output layer of at most one vector of outputs (.NET 9 and later): one group, the bias added and the
    /// softmax taken in registers, the outputs copied out once. The bias load reads past the last bias into the padding
    /// that <c>AllocateParameters</c> leaves after the parameters; those lanes are ignored.
    /// </summary>
    private void WriteSoftmaxInRegisters(LayerPlan layer)
    {
        _w.WriteLine("#if NET9_0_OR_GREATER");
        using (_w.WriteBlock("if (Wide)"))
        {
            var slots = Enumerable.Range(0, Lanes).Select(s => SlotRow(s) < layer.Outputs ? ("w", RowOffset(SlotRow(s)), "x") : default).ToArray();
            WriteWideAccumulation(layer, slots);
            _w.WriteLine($"{W} e = SoftmaxVector(Sums({Accumulators(Lanes)}) + Load512(ref b, 0));");
            _w.WriteLine($"{Unsafe}.CopyBlockUnaligned(ref {Unsafe}.As<{T}, byte>(ref y), ref {Unsafe}.As<{W}, byte>(ref e), {layer.Outputs * (_plan.Scalar == ScalarKind.Double ? 8 : 4)});");
            _w.WriteLine("return;");
        }

        _w.WriteLine("#endif");
        _w.WriteLine();
    }

    private static string RowOffset(int row) => row == 0 ? "0" : row == 1 ? "In" : $"{row} * In";

    private static string Accumulators(int count) => string.Join(", ", Enumerable.Range(0, count).Select(a => $"acc{a}"));

    /// <summary>
    /// Declares <c>acc0..</c> (one per slot) and fills each slot that has a (row, row offset, input) with the fused
    /// multiply-adds of its inner product over the input chunks, in chunk order, then the masked overlapping last chunk.
    /// A default slot stays zero.
    /// </summary>
    private void WriteWideAccumulation(LayerPlan layer, (string Row, string Offset, string Input)[] slots)
    {
        for (int a = 0; a < slots.Length; a += 4)
        {
            _w.WriteLine($"{W} {string.Join(", ", Enumerable.Range(a, System.Math.Min(4, slots.Length - a)).Select(k => $"acc{k} = {W}.Zero"))};");
        }

        string[] inputs = slots.Where(s => s.Row is not null).Select(s => s.Input).Distinct().ToArray();
        using (_w.WriteBlock($"for (nuint i = 0; i + {Lanes} <= In; i += {Lanes})"))
        {
            foreach (string input in inputs)
            {
                _w.WriteLine($"{W} {input}v = Load512(ref {input}, i);");
            }

            for (int a = 0; a < slots.Length; a++)
            {
                if (slots[a].Row is null)
                {
                    continue;
                }

                string at = slots[a].Offset == "0" ? "i" : $"{slots[a].Offset} + i";
                _w.WriteLine($"acc{a} = Fma(Load512(ref {slots[a].Row}, {at}), {slots[a].Input}v, acc{a});");
            }
        }

        if (layer.Inputs % Lanes != 0)
        {
            string start = TailStart(layer);
            using (_w.WriteBlock())
            {
                foreach (string input in inputs)
                {
                    _w.WriteLine($"{W} {input}v = Load512(ref {input}, {start}) & tailMask;");
                }

                for (int a = 0; a < slots.Length; a++)
                {
                    if (slots[a].Row is null)
                    {
                        continue;
                    }

                    string at = slots[a].Offset == "0" ? start : $"{slots[a].Offset} + {start}";
                    _w.WriteLine($"acc{a} = Fma(Load512(ref {slots[a].Row}, {at}) & tailMask, {slots[a].Input}v, acc{a});");
                }
            }
        }
    }

    /// <summary>Samples per tile of the batched forward pass: each weight chunk loaded serves this many samples.</summary>
    private const int TileSamples = 4;

    /// <summary>Outputs per tile of the batched forward pass: one 128-bit lane of the tree's result per sample.</summary>
    private int TileRows => Lanes / TileSamples;

    /// <summary>
    /// The batched forward pass: tiles of 4 samples by a quarter group of outputs (lane l of the tree's result is sample
    /// l / rows, output l % rows: one 128-bit lane per sample), a last few samples through the single-sample groups.
    /// </summary>
    private void WriteWideForwardBlockLayer(LayerPlan layer)
    {
        int rows = TileRows;
        _w.WriteLine($"/// <summary>{LayerTitle(layer)}, 512-bit, on a block of samples: tiles of {TileSamples} samples x {rows} outputs; bit for bit what ForwardLayer{layer.Number}Wide computes per sample.</summary>");
        using (KernelBlock($"private static void ForwardBlockLayer{layer.Number}Wide(ref {T} p, ref {T} x, nuint xStride, ref {T} y, nuint yStride, int count)"))
        {
            _w.WriteLine("nuint s = 0;");
            if (!IsNarrow(layer))
            {
                WriteLayerPrologue(layer, gradients: false);
                WriteTailMask(layer);
                int full = layer.Outputs / rows;
                int rest = layer.Outputs % rows;
                string v128 = "global::System.Runtime.Intrinsics.Vector128";
                using (_w.WriteBlock($"for (; s + {TileSamples} <= (nuint)count; s += {TileSamples})"))
                {
                    for (int k = 0; k < TileSamples; k++)
                    {
                        _w.WriteLine($"ref {T} x{k} = ref At(ref x, {(k == 0 ? "s" : $"(s + {k})")} * xStride);");
                    }

                    for (int k = 0; k < TileSamples; k++)
                    {
                        _w.WriteLine($"ref {T} y{k} = ref At(ref y, {(k == 0 ? "s" : $"(s + {k})")} * yStride);");
                    }

                    if (full > 0)
                    {
                        using (_w.WriteBlock($"for (nuint o = 0; o + {rows} <= Out; o += {rows})"))
                        {
                            _w.WriteLine($"ref {T} row = ref At(ref w, o * In);");
                            WriteWideAccumulation(layer, TileSlots(rows));
                            _w.WriteLine($"{v128}<{T}> bias = {v128}.LoadUnsafe(ref b, o);");
                            _w.WriteLine($"global::System.Runtime.Intrinsics.Vector256<{T}> biases = global::System.Runtime.Intrinsics.Vector256.Create(bias, bias);");
                            _w.WriteLine($"{W} z = Sums({Accumulators(Lanes)}) + {V512}.Create(biases, biases);");
                            string activated = ActivateVector(layer.Activation, "z");
                            if (activated != "z")
                            {
                                _w.WriteLine($"z = {activated};");
                            }

                            for (int k = 0; k < TileSamples; k++)
                            {
                                _w.WriteLine($"{v128}.StoreUnsafe({Avx512}.ExtractVector128(z, {k}), ref y{k}, o);");
                            }
                        }
                    }

                    if (rest > 0)
                    {
                        using (_w.WriteBlock())
                        {
                            _w.WriteLine($"const nuint o = Out - {rest};");
                            _w.WriteLine($"ref {T} row = ref At(ref w, o * In);");
                            WriteWideAccumulation(layer, TileSlots(rest));
                            _w.WriteLine($"{W} sums = Sums({Accumulators(Lanes)});");
                            _w.WriteLine($"ref {T} lanes = ref {Unsafe}.As<{W}, {T}>(ref sums);");
                            using (_w.WriteBlock($"for (nuint j = 0; j < {rest}; j++)"))
                            {
                                for (int k = 0; k < TileSamples; k++)
                                {
                                    _w.WriteLine($"{T} z{k} = At(ref lanes, {(k == 0 ? "j" : $"{k * rows} + j")}) + At(ref b, o + j);");
                                    _w.WriteLine($"At(ref y{k}, o + j) = {ActivateInline(layer.Activation, $"z{k}", wide: true)};");
                                }
                            }
                        }
                    }

                    if (NeedsRowFinish(layer))
                    {
                        _w.WriteLine();
                        for (int k = 0; k < TileSamples; k++)
                        {
                            WriteRowFinish(layer, $"ref y{k}", wide: true);
                        }
                    }
                }

                _w.WriteLine();
            }

            using (_w.WriteBlock("for (; s < (nuint)count; s++)"))
            {
                _w.WriteLine($"ForwardLayer{layer.Number}Wide(ref p, ref At(ref x, s * xStride), ref At(ref y, s * yStride));");
            }
        }

        _w.WriteLine();
    }

    /// <summary>The slots of a tile for its first <paramref name="rows"/> outputs: lane l of the tree's result is sample l / TileRows, output l % TileRows.</summary>
    private (string Row, string Offset, string Input)[] TileSlots(int rows) =>
        Enumerable.Range(0, Lanes).Select(slot =>
        {
            int lane = SlotRow(slot);
            int row = lane % TileRows;
            return row < rows ? ("row", RowOffset(row), $"x{lane / TileRows}") : default;
        }).ToArray();

    // ---- Backward and training -----------------------------------------------------------------------------------------

    /// <summary>
    /// <c>target[0..In) += scale · source[0..In)</c>, 512 bits at a time; the masked last chunk adds zero where it overlaps.
    /// Unless <paramref name="fused"/> (the weight update), the product is rounded before the addition, so that adding into
    /// a gradient gives exactly what adding two separately computed gradients gives.
    /// </summary>
    private void WriteWideAxpy(LayerPlan layer, string target, string vector, string source, bool fused = false)
    {
        string Update(string at, string mask) => fused
            ? $"Fma({vector}, Load512(ref {source}, {at}){mask}, Load512(ref {target}, {at}))"
            : $"Load512(ref {target}, {at}) + {vector} * {(mask.Length == 0 ? $"Load512(ref {source}, {at})" : $"(Load512(ref {source}, {at}){mask})")}";

        using (_w.WriteBlock($"for (nuint i = 0; i + {Lanes} <= In; i += {Lanes})"))
        {
            _w.WriteLine($"Store512({Update("i", string.Empty)}, ref {target}, i);");
        }

        if (layer.Inputs % Lanes != 0)
        {
            string start = TailStart(layer);
            _w.WriteLine($"Store512({Update(start, " & tailMask")}, ref {target}, {start});");
        }
    }

    /// <summary>
    /// <c>dx = Wᵀ dz</c> through the activation below, a tile of input chunks at a time kept in registers while every
    /// weight row passes; with <paramref name="update"/> the same pass also applies <c>w += step · x</c> to the row just read
    /// (the gradient for the layer below is taken from the old weights).
    /// </summary>
    private void WriteWidePropagation(LayerPlan layer, bool update)
    {
        int chunks = layer.Inputs / Lanes;
        bool tail = layer.Inputs % Lanes != 0;
        int looped = chunks / PropagationChunks * PropagationChunks;
        int width = PropagationChunks * Lanes;
        if (looped > 0)
        {
            _w.WriteLine($"// {PropagationChunks} chunks of dx at a time in registers.");
            using (_w.WriteBlock($"for (nuint t = 0; t < {looped * Lanes}; t += {width})"))
            {
                WritePropagationTile(Enumerable.Range(0, PropagationChunks).Select(c => c == 0 ? "t" : $"t + {c * Lanes}").ToArray(), hasTail: false, update, layer.InputActivation);
            }
        }

        string[] rest = Enumerable.Range(looped, chunks - looped).Select(c => $"{c * Lanes}")
            .Concat(tail ? [TailStart(layer)] : []).ToArray();
        if (rest.Length > 0)
        {
            _w.WriteLine($"// Inputs [{looped * Lanes}, {layer.Inputs}) of dx in registers.");
            using (_w.WriteBlock())
            {
                WritePropagationTile(rest, tail, update, layer.InputActivation);
            }
        }

    }

    /// <summary>The gradient with respect to the pre-activation from <paramref name="g"/> and the activation values <paramref name="a"/>, 16 or 8 lanes at a time.</summary>
    private string? DerivativeVector(ActivationKind activation, string g, string a) => activation switch
    {
        ActivationKind.ReLU => $"{V512}.ConditionalSelect({V512}.LessThanOrEqual({a}, {W}.Zero), {W}.Zero, {g})",
        ActivationKind.LeakyReLU => $"{V512}.ConditionalSelect({V512}.GreaterThan({a}, {W}.Zero), {g}, {V512}.Create({_s.Literal(0.01)}) * {g})",
        ActivationKind.Sigmoid => $"{g} * {a} * ({V512}.Create({_s.Literal(1)}) - {a})",
        ActivationKind.Tanh => $"{g} * ({V512}.Create({_s.Literal(1)}) - {a} * {a})",
        _ => null,
    };

    /// <summary>One tile of the propagation: the chunks of dx at <paramref name="offsets"/> in registers while every weight row passes.</summary>
    private void WritePropagationTile(string[] offsets, bool hasTail, bool update, ActivationKind? activationBelow)
    {
        int count = offsets.Length;
        for (int c = 0; c < count; c++)
        {
            _w.WriteLine($"{W} d{c} = {W}.Zero;");
            if (update)
            {
                string mask = hasTail && c == count - 1 ? " & tailMask" : string.Empty;
                _w.WriteLine($"{W} x{c} = Load512(ref x, {offsets[c]}){mask};");
            }
        }

        using (_w.WriteBlock("for (nuint o = 0; o < Out; o++)"))
        {
            _w.WriteLine($"ref {T} row = ref At(ref w, o * In);");
            _w.WriteLine($"{W} dv = {V512}.Create(At(ref dz, o));");
            if (update)
            {
                _w.WriteLine($"{W} sv = {V512}.Create(-learningRate * At(ref dz, o));");
            }

            for (int c = 0; c < count; c++)
            {
                bool last = hasTail && c == count - 1;
                _w.WriteLine($"{W} w{c} = Load512(ref row, {offsets[c]}){(last ? " & tailMask" : string.Empty)};");
                _w.WriteLine($"d{c} = Fma(w{c}, dv, d{c});");
                if (update)
                {
                    // The masked lanes of the last chunk hold zeros in w: the update adds to the row as read, where the masked
                    // x makes the product zero.
                    string old = last ? $"Load512(ref row, {offsets[c]})" : $"w{c}";
                    _w.WriteLine($"Store512(Fma(sv, x{c}, {old}), ref row, {offsets[c]});");
                }
            }
        }

        if (activationBelow is { } below && DerivativeVector(below, "d", "a") is not null)
        {
            _w.WriteLine($"// Through the activation of the layer below ({below}), from its outputs x.");
            for (int c = 0; c < count; c++)
            {
                _w.WriteLine($"{W} a{c} = Load512(ref x, {offsets[c]});");
                _w.WriteLine($"d{c} = {DerivativeVector(below, $"d{c}", $"a{c}")};");
            }
        }

        for (int c = 0; c < count; c++)
        {
            _w.WriteLine(hasTail && c == count - 1
                ? $"Store512({V512}.ConditionalSelect(tailMask, d{c}, Load512(ref dx, {offsets[c]})), ref dx, {offsets[c]}); // only the lanes past the last full chunk"
                : $"Store512(d{c}, ref dx, {offsets[c]});");
        }
    }

    private void WriteWideBackwardLayer(LayerPlan layer)
    {
        _w.WriteLine($"/// <summary>{LayerTitle(layer)}, backward, 512-bit: as BackwardLayer{layer.Number}.</summary>");
        using (KernelBlock($"private static void BackwardLayer{layer.Number}Wide(ref {T} p, ref {T} g, ref {T} x, ref {T} dz, ref {T} dx)"))
        {
            WriteLayerPrologue(layer, gradients: true);
            WriteTailMask(layer);
            using (_w.WriteBlock("for (nuint o = 0; o < Out; o++)"))
            {
                _w.WriteLine($"{T} d = At(ref dz, o);");
                _w.WriteLine($"{W} dv = {V512}.Create(d);");
                _w.WriteLine("At(ref gb, o) += d;");
                _w.WriteLine($"ref {T} gradientRow = ref At(ref gw, o * In);");
                WriteWideAxpy(layer, "gradientRow", "dv", "x");
            }

            _w.WriteLine();
            string call = $"PropagateLayer{layer.Number}Wide(ref p, ref x, ref dz, ref dx);";
            if (layer.IsFirst)
            {
                using (_w.WriteBlock($"if (!{Unsafe}.IsNullRef(ref dx))"))
                {
                    _w.WriteLine(call);
                }
            }
            else
            {
                _w.WriteLine(call);
            }
        }

        _w.WriteLine();
        _w.WriteLine($"/// <summary>{LayerTitle(layer)}, 512-bit: dx = Wᵀ dz{(layer.IsFirst ? string.Empty : $", then through the activation of layer {layer.Number - 1}")}.</summary>");
        using (KernelBlock($"private static void PropagateLayer{layer.Number}Wide(ref {T} p, ref {T} x, ref {T} dz, ref {T} dx)"))
        {
            _w.WriteLine($"const int In = {layer.Inputs}, Out = {layer.Outputs};");
            _w.WriteLine($"ref {T} w = ref At(ref p, {layer.WeightOffset});");
            WriteTailMask(layer);
            WriteWidePropagation(layer, update: false);
        }

        _w.WriteLine();
    }

    /// <summary>Rows and chunks of a gradient tile the batched backward pass keeps in registers while the block's samples pass.</summary>
    private const int GradientTile = 4;

    /// <summary>
    /// The batched backward pass of a layer: the weight gradient in tiles of 4 rows x 4 chunks held in registers while every
    /// sample of the block adds <c>dz_s[o] · x_s</c> with fused multiply-adds (so each gradient element is read and written
    /// once per block); the bias gradient; then dx per sample.
    /// </summary>
    private void WriteWideBackwardBlockLayer(LayerPlan layer)
    {
        string below = layer.IsFirst ? string.Empty : $", and writes dLoss/dz of layer {layer.Number - 1} for every sample into dx";
        _w.WriteLine($"/// <summary>{LayerTitle(layer)}, 512-bit, backward on a block of samples: adds Σ_s dz_s x_sᵀ to dLoss/dW and Σ_s dz_s to dLoss/db{below}.</summary>");
        string dx = layer.IsFirst ? string.Empty : $", ref {T} dx";
        using (KernelBlock($"private static void BackwardBlockLayer{layer.Number}Wide(ref {T} p, ref {T} g, ref {T} x, nuint xStride, ref {T} dz{dx}, int count)"))
        {
            _w.WriteLine($"const int In = {layer.Inputs}, Out = {layer.Outputs};");
            _w.WriteLine($"ref {T} gw = ref At(ref g, {layer.WeightOffset});");
            _w.WriteLine($"ref {T} gb = ref At(ref g, {layer.BiasOffset});");
            WriteTailMask(layer);
            using (_w.WriteBlock("for (nuint o = 0; o < Out; o++)"))
            {
                _w.WriteLine($"{T} sum = {_s.Literal(0)};");
                using (_w.WriteBlock("for (nuint s = 0; s < (nuint)count; s++)"))
                {
                    _w.WriteLine("sum += At(ref dz, s * DeltaLength + o);");
                }

                _w.WriteLine("At(ref gb, o) += sum;");
            }

            _w.WriteLine();
            int chunks = layer.Inputs / Lanes;
            bool tail = layer.Inputs % Lanes != 0;
            int looped = chunks / GradientTile * GradientTile;
            if (looped > 0)
            {
                using (_w.WriteBlock($"for (nuint i = 0; i < {looped * Lanes}; i += {GradientTile * Lanes})"))
                {
                    WriteGradientRows(layer, Enumerable.Range(0, GradientTile).Select(c => c == 0 ? "i" : $"i + {c * Lanes}").ToArray(), hasTail: false);
                }
            }

            string[] rest = Enumerable.Range(looped, chunks - looped).Select(c => $"{c * Lanes}").Concat(tail ? [TailStart(layer)] : []).ToArray();
            if (rest.Length > 0)
            {
                using (_w.WriteBlock())
                {
                    WriteGradientRows(layer, rest, tail);
                }
            }

            if (!layer.IsFirst)
            {
                _w.WriteLine();
                using (_w.WriteBlock("for (nuint s = 0; s < (nuint)count; s++)"))
                {
                    _w.WriteLine($"PropagateLayer{layer.Number}Wide(ref p, ref At(ref x, s * xStride), ref At(ref dz, s * DeltaLength), ref At(ref dx, s * DeltaLength));");
                }
            }
        }

        _w.WriteLine();
    }

    /// <summary>The gradient tiles over every row for the chunks at <paramref name="offsets"/>: 4 rows at a time, then the last few.</summary>
    private void WriteGradientRows(LayerPlan layer, string[] offsets, bool hasTail)
    {
        int full = layer.Outputs / GradientTile * GradientTile;
        int rest = layer.Outputs % GradientTile;
        if (full > 0)
        {
            using (_w.WriteBlock($"for (nuint o = 0; o < {full}; o += {GradientTile})"))
            {
                WriteGradientTile(GradientTile, offsets, hasTail);
            }
        }

        if (rest > 0)
        {
            using (_w.WriteBlock())
            {
                _w.WriteLine($"const nuint o = Out - {rest};");
                WriteGradientTile(rest, offsets, hasTail);
            }
        }
    }

    /// <summary>
    /// One gradient tile: <paramref name="rows"/> rows from <c>o</c> by the chunks at <paramref name="offsets"/>, loaded,
    /// added to by every sample, stored. The masked last chunk is stored first: a full chunk it overlaps, stored after it,
    /// then writes the real values over the overlap.
    /// </summary>
    private void WriteGradientTile(int rows, string[] offsets, bool hasTail)
    {
        int chunks = offsets.Length;
        string Row(int r) => r == 0 ? "o * In" : $"(o + {r}) * In";
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < chunks; c++)
            {
                _w.WriteLine($"{W} g{r}_{c} = Load512(ref gw, {Row(r)} + {offsets[c]});");
            }
        }

        using (_w.WriteBlock("for (nuint s = 0; s < (nuint)count; s++)"))
        {
            _w.WriteLine($"ref {T} xs = ref At(ref x, s * xStride);");
            _w.WriteLine($"ref {T} ds = ref At(ref dz, s * DeltaLength + o);");
            for (int c = 0; c < chunks; c++)
            {
                string mask = hasTail && c == chunks - 1 ? " & tailMask" : string.Empty;
                _w.WriteLine($"{W} x{c} = Load512(ref xs, {offsets[c]}){mask};");
            }

            for (int r = 0; r < rows; r++)
            {
                _w.WriteLine($"{W} d{r} = {V512}.Create({(r == 0 ? "ds" : $"At(ref ds, {r})")});");
                for (int c = 0; c < chunks; c++)
                {
                    _w.WriteLine($"g{r}_{c} = Fma(d{r}, x{c}, g{r}_{c});");
                }
            }
        }

        for (int r = 0; r < rows; r++)
        {
            for (int c = chunks - 1; c >= 0; c--)
            {
                _w.WriteLine($"Store512(g{r}_{c}, ref gw, {Row(r)} + {offsets[c]});");
            }
        }
    }

    private void WriteWideTrainLayer(LayerPlan layer)
    {
        string propagate = layer.IsFirst ? string.Empty : $"ref {T} dx, ";
        _w.WriteLine($"/// <summary>{LayerTitle(layer)}, SGD step, 512-bit: as TrainLayer{layer.Number}{(layer.IsFirst ? string.Empty : ", the gradient for the layer below and the update in one pass over the weights")}.</summary>");
        using (KernelBlock($"private static void TrainLayer{layer.Number}Wide(ref {T} p, ref {T} x, ref {T} dz, {propagate}{T} learningRate)"))
        {
            WriteLayerPrologue(layer, gradients: false);
            WriteTailMask(layer);
            using (_w.WriteBlock("for (nuint o = 0; o < Out; o++)"))
            {
                _w.WriteLine("At(ref b, o) += -learningRate * At(ref dz, o);");
            }

            _w.WriteLine();
            if (layer.IsFirst)
            {
                using (_w.WriteBlock("for (nuint o = 0; o < Out; o++)"))
                {
                    _w.WriteLine($"{W} sv = {V512}.Create(-learningRate * At(ref dz, o));");
                    _w.WriteLine($"ref {T} row = ref At(ref w, o * In);");
                    WriteWideAxpy(layer, "row", "sv", "x", fused: true);
                }
            }
            else
            {
                WriteWidePropagation(layer, update: true);
            }
        }

        _w.WriteLine();
    }
}
