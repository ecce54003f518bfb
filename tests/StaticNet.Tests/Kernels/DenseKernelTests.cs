using System;
using System.Linq;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using StaticNet.Kernels;
using StaticNet.Kernels.Activations;
using Xunit;
using Xunit.Sdk;

namespace StaticNet.Tests.Kernels;

/// <summary>
/// The dense layer's kernels at every width (1 lane, 128, 256 and 512 bits; the wider ones run emulated where the machine
/// lacks them), in float and double, on shapes whose inputs and outputs are and are not multiples of every vector width,
/// against the plain math in double: the forward pass (output and kept pre-activation), backward (weight and bias gradients
/// added into what is there, the gradient for the layer below through its activation), the SGD step, and the batched
/// forms, which must give exactly what the one-sample kernels give (forward, and the gradient below) or their sum
/// (the parameter gradients).
/// </summary>
public sealed class DenseKernelTests
{
    private const int Samples = 5;

    [Fact]
    public void Every_shape_at_every_width_matches_the_plain_math()
    {
        Run<S1x1>();
        Run<S2x16>();
        Run<S3x5>();
        Run<S4x4>();
        Run<S5x3>();
        Run<S7x9>();
        Run<S8x8>();
        Run<S9x17>();
        Run<S11x16>();
        Run<S16x1>();
        Run<S16x16>();
        Run<S17x20>();
        Run<S31x2>();
        Run<S33x7>();
        Run<S64x10>();
        Run<S65x33>();
        Run<S100x19>();
    }

    /// <summary>
    /// The kernels of layers of one to three inputs that gather a vector of outputs' weight columns (one sample, and the
    /// batch the dispatcher gives them): against the plain math, the batch to the bit against one sample at a time, and,
    /// where the width runs on this machine's hardware (so that its multiply-add is fused exactly when the scalar one
    /// is), to the bit against the scalar kernel (what a network's one-sample Forward runs for three inputs). Two inputs
    /// split their columns from two loads (<see cref="ISimd{T, TVector}.Evens"/>); layers of one or two vectors of outputs
    /// take the activation inlined, wider ones as a call.
    /// </summary>
    [Fact]
    public void Layers_of_few_inputs_gather_their_columns_at_every_width()
    {
        Columns<S1x9>();
        Columns<S2x16>();
        Columns<S2x17>();
        Columns<S2x40>();
        Columns<S3x5>();
        Columns<S3x40>();
    }

    /// <summary>
    /// A layer of at most one 512-bit vector of inputs and one of outputs runs at 256 bits where 512 are accelerated (its
    /// chain is latency, shorter in two 256-bit vectors side by side); a layer with one more input or output runs at 512.
    /// Where 512 bits are not accelerated, no layer runs at 512. (The batch and one-sample forms of each layer take the
    /// same test: the network tests hold them to the bit.)
    /// </summary>
    [Fact]
    public void Layers_of_one_512_bit_vector_of_inputs_and_outputs_run_at_256_bits()
    {
        bool wide = Vector512.IsHardwareAccelerated;
        Assert.False(Dense<float>.Wide<S16x16>());
        Assert.False(Dense<float>.Wide<S16x1>());
        Assert.False(Dense<float>.Wide<S9x17>());
        Assert.Equal(wide, Dense<float>.Wide<S16x17>());
        Assert.Equal(wide, Dense<float>.Wide<S17x20>());
        Assert.Equal(wide, Dense<float>.Wide<S31x2>());
        Assert.False(Dense<double>.Wide<S8x8>());
        Assert.Equal(wide, Dense<double>.Wide<S9x17>());
        Assert.Equal(wide, Dense<double>.Wide<S11x16>());
    }

    /// <summary>
    /// The inference snapshot's kernel (<see cref="DensePackedKernels{T, TSimd, TVector}"/>) at 128, 256 and 512 bits,
    /// float and double, wherever the layer's outputs fill a vector: one tile and several (300 and 70 outputs), the last
    /// vector full and partial, inputs split among chains with and without a remainder; with its activation and as an
    /// output layer with a softmax; against the plain math, and nothing written past the layer's outputs.
    /// </summary>
    [Fact]
    public void The_packed_forward_pass_at_every_width_matches_the_plain_math()
    {
        Packed<S2x16>();
        Packed<S2x17>();
        Packed<S3x40>();
        Packed<S4x4>();
        Packed<S7x9>();
        Packed<S8x8>();
        Packed<S9x17>();
        Packed<S17x20>();
        Packed<S64x10>();
        Packed<S64x48>();
        Packed<S65x33>();
        Packed<S100x19>();
        Packed<S5x300>();
        Packed<S13x70>();
        Packed<S300x61>();
    }

    /// <summary>
    /// A packed tile of one chain of eight vectors whose weights pass 32 KiB streams them, eight inputs an iteration
    /// (<see cref="DensePackedKernels{T, TSimd, TVector}.Streams"/>): 300 → 61 where the width has 8 accumulators (16
    /// registers: an AVX2 machine, or AVX-512 turned off), at 256 bits one tile of 75 KB and at 128 bits two of 38 KB;
    /// with 16 accumulators (32 registers) its tiles are two chains of eight vectors at 256 bits, one chain of sixteen at
    /// 128, and do not stream. Layers whose weights fit the L1 cache never stream. <see cref="The_packed_forward_pass_at_every_width_matches_the_plain_math"/> runs 300 → 61 at every width.
    /// </summary>
    [Fact]
    public void A_packed_layer_streams_where_one_chain_of_eight_vectors_passes_the_L1_cache()
    {
        bool eight256 = Lanes<float, Simd256<float>, Vector256<float>>.TileAccumulators == 8;
        bool eight128 = Lanes<float, Simd128<float>, Vector128<float>>.TileAccumulators == 8;
        Assert.Equal(eight256, DensePackedKernels<float, Simd256<float>, Vector256<float>>.Streams<S300x61>());
        Assert.Equal(eight128, DensePackedKernels<float, Simd128<float>, Vector128<float>>.Streams<S300x61>());
        Assert.Equal(eight256, DensePackedKernels<double, Simd256<double>, Vector256<double>>.Streams<S300x61>());
        Assert.False(DensePackedKernels<float, Simd256<float>, Vector256<float>>.Streams<S100x19>());
        Assert.False(DensePackedKernels<float, Simd256<float>, Vector256<float>>.Streams<S64x48>());
        Assert.False(DensePackedKernels<float, Simd512<float>, Vector512<float>>.Streams<S300x61>());
    }

    /// <summary>
    /// A packed tile that runs one chain is exactly as wide as the layer's vectors of outputs: 48 outputs at 256 bits in
    /// float are 6 vectors, one tile of 6 where the width has 8 accumulators (no vectors of zeros to multiply), and of 8 in
    /// two chains where it has 16; the packed layer is then its weights and bias and nothing more.
    /// </summary>
    [Fact]
    public void A_packed_tile_of_one_chain_is_as_wide_as_the_layer()
    {
        bool eight = Lanes<float, Simd256<float>, Vector256<float>>.TileAccumulators == 8;
        Assert.Equal(eight ? 6 : 8, DensePackedKernels<float, Simd256<float>, Vector256<float>>.TileVectors<S64x48>());
        Assert.Equal(eight ? 1 : 2, DensePackedKernels<float, Simd256<float>, Vector256<float>>.Chains<S64x48>());
        Assert.Equal(eight ? 65 * 48 : 65 * 64, DensePackedKernels<float, Simd256<float>, Vector256<float>>.Length<S64x48>());
    }

    /// <summary>
    /// The packed dispatcher keeps a layer's <c>[out][in]</c> rows where their form takes at most three quarters of the
    /// packed form's multiply-adds (a 64 → 10 classifier layer at 8 lanes: 80 against 128): the layer's part of the copy
    /// is then its weights and bias in PyTorch's layout, 64 → 10 in float 650 elements rounded to whole cache lines, not
    /// 65 rows of 16. At 128 bits (4 lanes: 160 against 192) it stays packed. Either way the dispatcher's passes match the
    /// plain math, as do those of shapes on both sides of the rule.
    /// </summary>
    [Fact]
    public void The_packed_dispatcher_keeps_the_rows_of_a_layer_whose_last_vector_is_mostly_padding()
    {
        bool rows = Vector256.IsHardwareAccelerated || !Vector128.IsHardwareAccelerated;
        int packed128 = DensePacked<float>.Aligned(DensePackedKernels<float, Simd128<float>, Vector128<float>>.Length<S64x10>());
        Assert.Equal(rows ? 656 : packed128, DensePacked<float>.Length<S64x10>());
        Dispatched<S64x10>();
        Dispatched<S7x9>();
        Dispatched<S65x33>();
        Dispatched<S100x19>();
        Dispatched<S64x48>();
    }

    private static void Dispatched<TShape>()
        where TShape : ILayerShape
    {
        Dispatched<TShape, float>(2e-5);
        Dispatched<TShape, double>(1e-12);
    }

    private static void Dispatched<TShape, T>(double tolerance)
        where TShape : ILayerShape
        where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        PackedPasses<TShape, T>(
            $"{typeof(T).Name} {TShape.In}x{TShape.Out} through DensePacked ({DensePacked<T>.Length<TShape>()} elements)",
            DensePacked<T>.Length<TShape>(),
            DensePacked<T>.Pack<TShape>,
            DensePacked<T>.Forward<TShape, ReLU>,
            DensePacked<T>.ForwardBatch<TShape, ReLU>,
            DensePacked<T>.ForwardSoftmax<TShape>,
            Activate<T, ReLU>,
            tolerance);

    /// <summary>
    /// A packed layer's two passes (<paramref name="forward"/>, <paramref name="softmax"/>) against the plain math, and its
    /// batch (<paramref name="batch"/>) to the bit against <paramref name="forward"/>: every count of samples from 1 to 8
    /// (whole tiles of two and three samples, and the ones left over), with strides wider than a sample, nothing written
    /// between the samples' outputs.
    /// </summary>
    private static void PackedPasses<TShape, T>(string what, int length, PackPass<T> pack, PackedPass<T> forward, PackedBatchPass<T> batch, PackedPass<T> softmax, Func<double, double> activate, double tolerance)
        where TShape : ILayerShape
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int n = TShape.In, m = TShape.Out;
        var random = new Random((n * 1000) + m + 7);
        T[] w = Values<T>(random, n * m, 1 / Math.Sqrt(n));
        T[] b = Values<T>(random, m, 0.5);
        T[] x = Values<T>(random, Samples * n, 1.5);
        var q = Enumerable.Repeat(T.NaN, length).ToArray();
        pack(ref W(w), ref W(b), ref W(q));
        Assert.True(q.All(T.IsFinite), what + ": the packing left an element of the packed layer (a weight, a bias or a padding zero) unwritten");
        T sentinel = T.CreateTruncating(12345.0);
        for (int s = 0; s < Samples; s++)
        {
            var y = Enumerable.Repeat(sentinel, m + 16).ToArray();
            forward(ref W(q), ref At(x, s * n), ref W(y));
            double[] pre = Enumerable.Range(0, m).Select(o => D(b[o]) + Enumerable.Range(0, n).Sum(i => D(w[(o * n) + i]) * D(x[(s * n) + i]))).ToArray();
            Close(pre.Select(activate).ToArray(), y.Take(m), tolerance, what + ", output");
            Assert.True(y.Skip(m).All(v => v == sentinel), what + ": wrote past the layer's outputs");

            // The output layer's form with the softmax (in registers for one tile of one or two vectors).
            var p = Enumerable.Repeat(sentinel, m + 16).ToArray();
            softmax(ref W(q), ref At(x, s * n), ref W(p));
            double largest = pre.Max();
            double total = pre.Sum(v => Math.Exp(v - largest));
            Close(pre.Select(v => Math.Exp(v - largest) / total).ToArray(), p.Take(m), tolerance, what + ", softmax");
            Assert.True(p.Skip(m).All(v => v == sentinel), what + ": the softmax wrote past the layer's outputs");
        }

        int xStride = n + 3, yStride = m + 5;
        T[] inputs = Values<T>(random, 8 * xStride, 1.5);
        for (int count = 1; count <= 8; count++)
        {
            var expected = Enumerable.Repeat(sentinel, count * yStride).ToArray();
            for (int s = 0; s < count; s++)
            {
                forward(ref W(q), ref At(inputs, s * xStride), ref At(expected, s * yStride));
                Array.Fill(expected, sentinel, (s * yStride) + m, yStride - m);
            }

            var actual = Enumerable.Repeat(sentinel, count * yStride).ToArray();
            batch(ref W(q), ref W(inputs), (nuint)xStride, ref W(actual), (nuint)yStride, count);
            Same(expected, actual, $"{what}, a batch of {count} against one sample at a time (and nothing written between the samples)");
        }
    }

    private delegate void PackPass<T>(ref T w, ref T b, ref T q);

    private delegate void PackedPass<T>(ref T q, ref T x, ref T y);

    private delegate void PackedBatchPass<T>(ref T q, ref T x, nuint xStride, ref T y, nuint yStride, int count);

    private static void Packed<TShape>()
        where TShape : ILayerShape
    {
        Packed<TShape, float>();
        Packed<TShape, double>();
    }

    private static void Packed<TShape, T>()
        where TShape : ILayerShape
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Packed<TShape, T, Simd128<T>, Vector128<T>, Tanh>();
        Packed<TShape, T, Simd256<T>, Vector256<T>, ReLU>();
        Packed<TShape, T, Simd512<T>, Vector512<T>, Gelu>();
    }

    private static void Packed<TShape, T, TSimd, TVector, TActivation>()
        where TShape : ILayerShape
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSimd : ISimd<T, TVector>
        where TVector : struct
        where TActivation : IActivation
    {
        int n = TShape.In, m = TShape.Out;
        if (m < TSimd.Count)
        {
            return;
        }

        string what = $"{typeof(T).Name} {n}x{m} packed at {TSimd.Count} lanes ({DensePackedKernels<T, TSimd, TVector>.Tiles<TShape>()} tiles of "
            + $"{DensePackedKernels<T, TSimd, TVector>.TileVectors<TShape>()} vectors, {DensePackedKernels<T, TSimd, TVector>.Chains<TShape>()} chains), {typeof(TActivation).Name}";
        PackedPasses<TShape, T>(
            what,
            DensePackedKernels<T, TSimd, TVector>.Length<TShape>(),
            DensePackedKernels<T, TSimd, TVector>.Pack<TShape>,
            DensePackedKernels<T, TSimd, TVector>.Forward<TShape, TActivation>,
            DensePackedKernels<T, TSimd, TVector>.ForwardBatch<TShape, TActivation>,
            DensePackedKernels<T, TSimd, TVector>.ForwardSoftmax<TShape>,
            Activate<T, TActivation>,
            typeof(T) == typeof(float) ? 2e-5 : 1e-12);
    }

    private static void Columns<TShape>()
        where TShape : ILayerShape
    {
        Columns<TShape, float>();
        Columns<TShape, double>();
    }

    private static void Columns<TShape, T>()
        where TShape : ILayerShape
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Columns<TShape, T, Simd128<T>, Vector128<T>, Tanh>(Vector128.IsHardwareAccelerated);
        Columns<TShape, T, Simd128<T>, Vector128<T>, Gelu>(Vector128.IsHardwareAccelerated);
        Columns<TShape, T, Simd256<T>, Vector256<T>, Tanh>(Vector256.IsHardwareAccelerated);
        Columns<TShape, T, Simd512<T>, Vector512<T>, Silu>(Vector512.IsHardwareAccelerated);
    }

    private static void Columns<TShape, T, TSimd, TVector, TActivation>(bool accelerated)
        where TShape : ILayerShape
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSimd : ISimd<T, TVector>
        where TVector : struct
        where TActivation : IActivation
    {
        int n = TShape.In, m = TShape.Out;
        if (m < TSimd.Count)
        {
            return;
        }

        string what = $"{typeof(T).Name} {n}x{m} columns at {TSimd.Count} lanes, {typeof(TActivation).Name}";
        var random = new Random((n * 1000) + m);
        T[] w = Values<T>(random, n * m, 1 / Math.Sqrt(n));
        T[] b = Values<T>(random, m, 0.5);
        T[] x = Values<T>(random, Samples * n, 1.5);
        double tolerance = typeof(T) == typeof(float) ? 2e-5 : 1e-12;
        var y = new T[Samples * m];
        var z = new T[Samples * m];
        var yScalar = new T[Samples * m];
        var zScalar = new T[Samples * m];
        for (int s = 0; s < Samples; s++)
        {
            DenseKernels<T, TSimd, TVector>.ForwardColumns<TShape, TActivation>(ref W(w), ref W(b), ref At(x, s * n), ref At(y, s * m), ref At(z, s * m));
            CloseToTheMath<T, TActivation>(w, b, x, y, z, s, n, m, tolerance, what);

            // The scalar products, then the activation at this width: what Dense.Forward runs for a layer of few inputs.
            DenseKernels<T, Simd1<T>, T>.Forward<TShape, Identity>(ref W(w), ref W(b), ref At(x, s * n), ref At(zScalar, s * m), ref Unsafe.NullRef<T>());
            Array.Copy(zScalar, s * m, yScalar, s * m, m);
            ActivateInPlace<T, TSimd, TVector, TActivation>(yScalar.AsSpan(s * m, m));
        }

        var yBatch = new T[Samples * m];
        var zBatch = new T[Samples * m];
        DenseKernels<T, TSimd, TVector>.ForwardColumnsBatch<TShape, TActivation>(ref W(w), ref W(b), ref W(x), (nuint)n, ref W(yBatch), ref W(zBatch), (nuint)m, Samples);
        Same(y, yBatch, what + ", the batch against one sample at a time");
        Same(z, zBatch, what + ", the batch's pre-activations against one sample's");
        if (accelerated)
        {
            Same(zScalar, z, what + ", the pre-activations against the scalar kernel's");
            Same(yScalar, y, what + ", the outputs against the scalar kernel's");
        }
    }

    /// <summary>The activation over a span, a vector at a time (the last one overlapping the one before).</summary>
    private static void ActivateInPlace<T, TSimd, TVector, TActivation>(Span<T> values)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSimd : ISimd<T, TVector>
        where TVector : struct
        where TActivation : IActivation
    {
        T[] pre = values.ToArray();
        for (int i = 0; i < values.Length; i += TSimd.Count)
        {
            int at = Math.Min(i, values.Length - TSimd.Count);
            TSimd.Store(TActivation.Apply<T, TSimd, TVector>(TSimd.Load(ref pre[0], (nuint)at)), ref values[0], (nuint)at);
        }
    }

    private static void Run<TShape>()
        where TShape : ILayerShape
    {
        foreach (int width in Widths.All)
        {
            RunWidth<TShape, float>(width);
            RunWidth<TShape, double>(width);
        }
    }

    private static void RunWidth<TShape, T>(int width)
        where TShape : ILayerShape
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int lanes = width == 1 ? 1 : width / (8 * Unsafe.SizeOf<T>());
        if (TShape.In < lanes)
        {
            return; // Dense<T> never runs a width wider than the layer's inputs.
        }

        switch (width)
        {
            case 1:
                Check<TShape, T, Simd1<T>, T, ReLU, Tanh>();
                Check<TShape, T, Simd1<T>, T, Gelu, Silu>();
                break;
            case 128:
                Check<TShape, T, Simd128<T>, Vector128<T>, ReLU, Tanh>();
                Check<TShape, T, Simd128<T>, Vector128<T>, Gelu, Silu>();
                break;
            case 256:
                Check<TShape, T, Simd256<T>, Vector256<T>, ReLU, Tanh>();
                Check<TShape, T, Simd256<T>, Vector256<T>, Gelu, Silu>();
                break;
            default:
                Check<TShape, T, Simd512<T>, Vector512<T>, ReLU, Tanh>();
                Check<TShape, T, Simd512<T>, Vector512<T>, Gelu, Silu>();
                break;
        }
    }

    /// <summary>Every kernel of one shape, precision, width, activation and activation below.</summary>
    private static void Check<TShape, T, TSimd, TVector, TActivation, TBelow>()
        where TShape : ILayerShape
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSimd : ISimd<T, TVector>
        where TVector : struct
        where TActivation : IActivation
        where TBelow : IActivation
    {
        int n = TShape.In, m = TShape.Out;
        string what = $"{typeof(T).Name} {n}x{m} at {TSimd.Count} lanes, {typeof(TActivation).Name} over {typeof(TBelow).Name}";
        var random = new Random((n * 1000) + m);
        T[] w = Values<T>(random, n * m, 1 / Math.Sqrt(n));
        T[] b = Values<T>(random, m, 0.5);
        T[] x = Values<T>(random, Samples * n, 1.5);
        T[] zBelow = Values<T>(random, Samples * n, 1.5);
        T[] dz = Values<T>(random, Samples * m, 1);
        double tolerance = typeof(T) == typeof(float) ? 2e-5 : 1e-12;

        // Forward, one sample at a time, against the math; the batch, to the bit, against it.
        var y = new T[Samples * m];
        var z = new T[Samples * m];
        for (int s = 0; s < Samples; s++)
        {
            DenseKernels<T, TSimd, TVector>.Forward<TShape, TActivation>(ref W(w), ref W(b), ref At(x, s * n), ref At(y, s * m), ref At(z, s * m));
            CloseToTheMath<T, TActivation>(w, b, x, y, z, s, n, m, tolerance, what);
        }

        var yBatch = new T[Samples * m];
        var zBatch = new T[Samples * m];
        DenseKernels<T, TSimd, TVector>.ForwardBatch<TShape, TActivation>(ref W(w), ref W(b), ref W(x), (nuint)n, ref W(yBatch), ref W(zBatch), (nuint)m, Samples);
        Same(y, yBatch, what + ", ForwardBatch against Forward");
        Same(z, zBatch, what + ", ForwardBatch's pre-activations against Forward's");

        // One sample fewer: a block of three-sample tiles (16 vector registers) ends in one sample, not two.
        var yShort = new T[Samples * m];
        DenseKernels<T, TSimd, TVector>.ForwardBatch<TShape, TActivation>(ref W(w), ref W(b), ref W(x), (nuint)n, ref W(yShort), ref Unsafe.NullRef<T>(), (nuint)m, Samples - 1);
        Same(y.AsSpan(0, (Samples - 1) * m).ToArray(), yShort.AsSpan(0, (Samples - 1) * m).ToArray(), what + ", ForwardBatch of one sample fewer, without pre-activations, against Forward");

        // Backward adds into the gradients that are there and writes the gradient below through TBelow.
        T[] gw0 = Values<T>(random, n * m, 1), gb0 = Values<T>(random, m, 1);
        T[] a = Enumerable.Range(0, Samples * n).Select(i => T.CreateTruncating(Activate<T, TBelow>(D(zBelow[i])))).ToArray();
        T[] gw = (T[])gw0.Clone(), gb = (T[])gb0.Clone();
        var dx = new T[Samples * n];
        for (int s = 0; s < Samples; s++)
        {
            DenseKernels<T, TSimd, TVector>.Backward<TShape, TBelow>(ref W(w), ref W(gw), ref W(gb), ref At(a, s * n), ref At(dz, s * m), ref At(dx, s * n), ref At(zBelow, s * n));
            double[] below = Enumerable.Range(0, n).Select(i =>
                Gradient<T, TBelow>(Enumerable.Range(0, m).Sum(o => D(w[(o * n) + i]) * D(dz[(s * m) + o])), D(zBelow[(s * n) + i]), D(a[(s * n) + i]))).ToArray();
            Close(below, dx.Skip(s * n).Take(n), tolerance, what + ", dx");
        }

        double[] expectedGw = Enumerable.Range(0, n * m).Select(k => D(gw0[k]) + Enumerable.Range(0, Samples).Sum(s => D(dz[(s * m) + (k / n)]) * D(a[(s * n) + (k % n)]))).ToArray();
        double[] expectedGb = Enumerable.Range(0, m).Select(o => D(gb0[o]) + Enumerable.Range(0, Samples).Sum(s => D(dz[(s * m) + o]))).ToArray();
        Close(expectedGw, gw, tolerance, what + ", weight gradient");
        Close(expectedGb, gb, tolerance, what + ", bias gradient");

        T[] gwBatch = (T[])gw0.Clone(), gbBatch = (T[])gb0.Clone();
        var dxBatch = new T[Samples * n];
        DenseKernels<T, TSimd, TVector>.BackwardBatch<TShape, TBelow>(ref W(w), ref W(gwBatch), ref W(gbBatch), ref W(a), (nuint)n, ref W(dz), (nuint)m, ref W(dxBatch), (nuint)n, ref W(zBelow), Samples);
        Close(expectedGw, gwBatch, tolerance, what + ", BackwardBatch's weight gradient");
        Close(expectedGb, gbBatch, tolerance, what + ", BackwardBatch's bias gradient");
        Same(dx, dxBatch, what + ", BackwardBatch's dx against Backward's");

        // The SGD step: the gradient below from the old weights, then w -= lr dz xᵀ and b -= lr dz.
        T learningRate = T.CreateTruncating(0.25);
        T[] wStep = (T[])w.Clone(), bStep = (T[])b.Clone();
        var dxStep = new T[n];
        DenseKernels<T, TSimd, TVector>.Train<TShape, TBelow>(ref W(wStep), ref W(bStep), ref W(a), ref W(dz), ref W(dxStep), ref W(zBelow), learningRate);
        Same(dx.Take(n).ToArray(), dxStep, what + ", Train's dx against Backward's");
        Close(Enumerable.Range(0, n * m).Select(k => D(w[k]) - (0.25 * D(dz[k / n]) * D(a[k % n]))).ToArray(), wStep, tolerance, what + ", Train's weights");
        Close(Enumerable.Range(0, m).Select(o => D(b[o]) - (0.25 * D(dz[o]))).ToArray(), bStep, tolerance, what + ", Train's bias");

        // The first layer's step has no gradient below to write.
        T[] wFirst = (T[])w.Clone(), bFirst = (T[])b.Clone();
        DenseKernels<T, TSimd, TVector>.Train<TShape, Identity>(ref W(wFirst), ref W(bFirst), ref W(a), ref W(dz), ref Unsafe.NullRef<T>(), ref Unsafe.NullRef<T>(), learningRate);
        Close(wStep.Select(D).ToArray(), wFirst, tolerance, what + ", the first layer's Train");
        Same(bStep, bFirst, what + ", the first layer's bias");
    }

    /// <summary>Sample <paramref name="s"/>'s pre-activation and output of a forward pass against the plain math in double.</summary>
    private static void CloseToTheMath<T, TActivation>(T[] w, T[] b, T[] x, T[] y, T[] z, int s, int n, int m, double tolerance, string what)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TActivation : IActivation
    {
        double[] pre = Enumerable.Range(0, m).Select(o => D(b[o]) + Enumerable.Range(0, n).Sum(i => D(w[(o * n) + i]) * D(x[(s * n) + i]))).ToArray();
        Close(pre, z.Skip(s * m).Take(m), tolerance, what + ", pre-activation");
        Close(pre.Select(v => Activate<T, TActivation>(v)).ToArray(), y.Skip(s * m).Take(m), tolerance, what + ", output");
    }

    private static double Activate<T, TActivation>(double z)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TActivation : IActivation
    {
        double result = TActivation.Apply<double, Simd1<double>, double>(z);
        return typeof(T) == typeof(float) ? (float)result : result;
    }

    private static double Gradient<T, TActivation>(double g, double z, double a)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TActivation : IActivation =>
        TActivation.Gradient<double, Simd1<double>, double>(g, z, a);

    private static T[] Values<T>(Random random, int count, double scale)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        Enumerable.Range(0, count).Select(_ => T.CreateTruncating(((2 * random.NextDouble()) - 1) * scale)).ToArray();

    private static double D<T>(T value)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> => double.CreateTruncating(value);

    private static ref T W<T>(T[] array) => ref MemoryMarshal.GetArrayDataReference(array);

    private static ref T At<T>(T[] array, int offset) => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(array), offset);

    private static void Close<T>(double[] expected, System.Collections.Generic.IEnumerable<T> actual, double tolerance, string what)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        double[] values = actual.Select(D).ToArray();
        double floor = expected.Select(Math.Abs).DefaultIfEmpty(1).Max();
        for (int i = 0; i < expected.Length; i++)
        {
            if (!(Math.Abs(expected[i] - values[i]) <= tolerance * (Math.Abs(expected[i]) + floor)))
            {
                throw new XunitException($"{what}[{i}]: expected {expected[i]:R}, got {values[i]:R}");
            }
        }
    }

    private static void Same<T>(T[] expected, T[] actual, string what)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            if (!expected[i]!.Equals(actual[i]))
            {
                throw new XunitException($"{what}[{i}]: {expected[i]} and {actual[i]} differ");
            }
        }
    }

    private readonly struct S1x1 : ILayerShape { public static int In => 1; public static int Out => 1; }

    private readonly struct S2x16 : ILayerShape { public static int In => 2; public static int Out => 16; }

    private readonly struct S1x9 : ILayerShape { public static int In => 1; public static int Out => 9; }

    private readonly struct S2x17 : ILayerShape { public static int In => 2; public static int Out => 17; }
    private readonly struct S2x40 : ILayerShape { public static int In => 2; public static int Out => 40; }

    private readonly struct S3x40 : ILayerShape { public static int In => 3; public static int Out => 40; }

    private readonly struct S3x5 : ILayerShape { public static int In => 3; public static int Out => 5; }

    private readonly struct S4x4 : ILayerShape { public static int In => 4; public static int Out => 4; }

    private readonly struct S5x3 : ILayerShape { public static int In => 5; public static int Out => 3; }

    private readonly struct S7x9 : ILayerShape { public static int In => 7; public static int Out => 9; }

    private readonly struct S8x8 : ILayerShape { public static int In => 8; public static int Out => 8; }

    private readonly struct S9x17 : ILayerShape { public static int In => 9; public static int Out => 17; }

    private readonly struct S11x16 : ILayerShape { public static int In => 11; public static int Out => 16; }

    private readonly struct S16x1 : ILayerShape { public static int In => 16; public static int Out => 1; }

    private readonly struct S16x16 : ILayerShape { public static int In => 16; public static int Out => 16; }

    private readonly struct S16x17 : ILayerShape { public static int In => 16; public static int Out => 17; }

    private readonly struct S17x20 : ILayerShape { public static int In => 17; public static int Out => 20; }

    private readonly struct S31x2 : ILayerShape { public static int In => 31; public static int Out => 2; }

    private readonly struct S33x7 : ILayerShape { public static int In => 33; public static int Out => 7; }

    private readonly struct S64x10 : ILayerShape { public static int In => 64; public static int Out => 10; }

    private readonly struct S64x48 : ILayerShape { public static int In => 64; public static int Out => 48; }

    private readonly struct S65x33 : ILayerShape { public static int In => 65; public static int Out => 33; }

    private readonly struct S100x19 : ILayerShape { public static int In => 100; public static int Out => 19; }

    private readonly struct S5x300 : ILayerShape { public static int In => 5; public static int Out => 300; }

    private readonly struct S13x70 : ILayerShape { public static int In => 13; public static int Out => 70; }

    private readonly struct S300x61 : ILayerShape { public static int In => 300; public static int Out => 61; }
}
