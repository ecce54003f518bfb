using System;
using System.Linq;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using StaticNet.Kernels;
using Xunit;
using Xunit.Sdk;

namespace StaticNet.Tests.Kernels;

/// <summary>
/// The GRU's and LSTM's packed step (a sequence network's inference snapshot) at 128, 256 and 512 bits (the wider ones
/// emulated where the machine lacks them), in float and double, against the plain math of PyTorch's cells in double over
/// several frames: hidden sizes below, at and off every vector width, one tile and several, inputs of one value and more.
/// It must write nothing past the output frame and leave the state (hidden, then cell) as the cell defines it.
/// </summary>
public sealed class RecurrentPackedKernelTests
{
    private const int Frames = 6;

    [Fact]
    public void The_packed_GRU_and_LSTM_steps_at_every_width_match_the_plain_math()
    {
        Run<H1x1>();
        Run<H1x3>();
        Run<H4x5>();
        Run<H1x8>();
        Run<H9x17>();
        Run<H2x32>();
        Run<H3x33>();
        Run<H16x40>();
        Run<H5x70>();
    }

    private static void Run<TShape>()
        where TShape : ILayerShape
    {
        Run<TShape, float>();
        Run<TShape, double>();
    }

    private static void Run<TShape, T>()
        where TShape : ILayerShape
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Step<TShape, T, Simd128<T>, Vector128<T>, GruCell>();
        Step<TShape, T, Simd256<T>, Vector256<T>, GruCell>();
        Step<TShape, T, Simd512<T>, Vector512<T>, GruCell>();
        Step<TShape, T, Simd128<T>, Vector128<T>, LstmCell>();
        Step<TShape, T, Simd256<T>, Vector256<T>, LstmCell>();
        Step<TShape, T, Simd512<T>, Vector512<T>, LstmCell>();
    }

    private static void Step<TShape, T, TSimd, TVector, TCell>()
        where TShape : ILayerShape
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSimd : ISimd<T, TVector>
        where TVector : struct
        where TCell : IRecurrentCell
    {
        int n = TShape.In, h = TShape.Out, gates = TCell.Gates;
        bool lstm = typeof(TCell) == typeof(LstmCell);
        string what = $"{typeof(T).Name} {(lstm ? "LSTM" : "GRU")} {n}->{h} packed at {TSimd.Count} lanes "
            + $"({RecurrentPackedKernels<T, TSimd, TVector>.Tiles<TShape>()} tiles of {RecurrentPackedKernels<T, TSimd, TVector>.TileBlocks<TShape>()} blocks, "
            + $"{RecurrentPackedKernels<T, TSimd, TVector>.Chains<TShape>()} chains)";
        var random = new Random((n * 1000) + h + (lstm ? 1 : 0));
        double limit = 1 / Math.Sqrt(h);
        T[] p = Values<T>(random, gates * h * (n + h + 2), 2 * limit);
        T[] x = Values<T>(random, Frames * n, 1.5);
        var q = new T[RecurrentPackedKernels<T, TSimd, TVector>.Length<TShape, TCell>()];
        RecurrentPackedKernels<T, TSimd, TVector>.Pack<TShape, TCell>(ref W(p), ref W(q));
        var scratch = new T[RecurrentPackedKernels<T, TSimd, TVector>.ScratchLength<TShape>()];
        int stateSize = lstm ? 2 * h : h;
        var state = new T[stateSize];
        double[] expected = new double[stateSize];
        double tolerance = typeof(T) == typeof(float) ? 2e-5 : 1e-12;
        T sentinel = T.CreateTruncating(12345.0);
        for (int t = 0; t < Frames; t++)
        {
            double[] frame = x.Skip(t * n).Take(n).Select(D).ToArray();
            expected = lstm ? Lstm(p.Select(D).ToArray(), frame, expected, n, h) : Gru(p.Select(D).ToArray(), frame, expected, n, h);
            var y = Enumerable.Repeat(sentinel, h + 16).ToArray();
            RecurrentPackedKernels<T, TSimd, TVector>.Step<TShape, TCell>(ref W(q), ref W(state), ref x[t * n], ref W(y), ref W(scratch));
            Close(expected.Take(h).ToArray(), y.Take(h), tolerance, $"{what}, frame {t}, output");
            Assert.True(y.Skip(h).All(v => v == sentinel), what + ": wrote past the output frame");
            Close(expected, state, tolerance, $"{what}, frame {t}, state");
        }
    }

    /// <summary>PyTorch's GRU cell: r, z, n; the new hidden state.</summary>
    private static double[] Gru(double[] p, double[] x, double[] hPrev, int n, int h)
    {
        int whh = 3 * h * n, bih = whh + (3 * h * h), bhh = bih + (3 * h);
        var next = new double[h];
        for (int j = 0; j < h; j++)
        {
            double Input(int g) => Enumerable.Range(0, n).Sum(i => p[((((g * h) + j) * n) + i)] * x[i]) + p[bih + (g * h) + j];
            double Hidden(int g) => Enumerable.Range(0, h).Sum(i => p[whh + ((((g * h) + j) * h) + i)] * hPrev[i]) + p[bhh + (g * h) + j];
            double r = Sigmoid(Input(0) + Hidden(0));
            double z = Sigmoid(Input(1) + Hidden(1));
            double c = Math.Tanh(Input(2) + (r * Hidden(2)));
            next[j] = ((1 - z) * c) + (z * hPrev[j]);
        }

        return next;
    }

    /// <summary>PyTorch's LSTM cell: i, f, g, o; the new hidden state, then the new cell state.</summary>
    private static double[] Lstm(double[] p, double[] x, double[] state, int n, int h)
    {
        int whh = 4 * h * n, bih = whh + (4 * h * h), bhh = bih + (4 * h);
        var next = new double[2 * h];
        for (int j = 0; j < h; j++)
        {
            double Gate(int g)
            {
                int row = (g * h) + j;
                return Enumerable.Range(0, n).Sum(i => p[(row * n) + i] * x[i]) + Enumerable.Range(0, h).Sum(i => p[whh + (row * h) + i] * state[i]) + p[bih + row] + p[bhh + row];
            }

            double c = (Sigmoid(Gate(1)) * state[h + j]) + (Sigmoid(Gate(0)) * Math.Tanh(Gate(2)));
            next[h + j] = c;
            next[j] = Sigmoid(Gate(3)) * Math.Tanh(c);
        }

        return next;
    }

    private static double Sigmoid(double v) => 1 / (1 + Math.Exp(-v));

    private static T[] Values<T>(Random random, int count, double scale)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        Enumerable.Range(0, count).Select(_ => T.CreateTruncating(((2 * random.NextDouble()) - 1) * scale)).ToArray();

    private static double D<T>(T value)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> => double.CreateTruncating(value);

    private static ref T W<T>(T[] array) => ref MemoryMarshal.GetArrayDataReference(array);

    private static void Close<T>(double[] expected, System.Collections.Generic.IEnumerable<T> actual, double tolerance, string what)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        double[] values = actual.Select(D).ToArray();
        for (int i = 0; i < expected.Length; i++)
        {
            if (!(Math.Abs(expected[i] - values[i]) <= tolerance * (Math.Abs(expected[i]) + 1)))
            {
                throw new XunitException($"{what}[{i}]: expected {expected[i]:R}, got {values[i]:R}");
            }
        }
    }

    private readonly struct H1x1 : ILayerShape { public static int In => 1; public static int Out => 1; }

    private readonly struct H1x3 : ILayerShape { public static int In => 1; public static int Out => 3; }

    private readonly struct H4x5 : ILayerShape { public static int In => 4; public static int Out => 5; }

    private readonly struct H1x8 : ILayerShape { public static int In => 1; public static int Out => 8; }

    private readonly struct H9x17 : ILayerShape { public static int In => 9; public static int Out => 17; }

    private readonly struct H2x32 : ILayerShape { public static int In => 2; public static int Out => 32; }

    private readonly struct H3x33 : ILayerShape { public static int In => 3; public static int Out => 33; }

    private readonly struct H16x40 : ILayerShape { public static int In => 16; public static int Out => 40; }

    private readonly struct H5x70 : ILayerShape { public static int In => 5; public static int Out => 70; }
}
