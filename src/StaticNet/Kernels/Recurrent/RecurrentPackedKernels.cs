using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace StaticNet.Kernels;

/// <summary>
/// A recurrent cell as the packed step sees it: four accumulators per hidden unit, each the sum of some gate rows of
/// <c>weight_ih</c> (times the input frame) and of <c>weight_hh</c> (times the previous hidden state), plus their biases;
/// then the cell on the four sums. A new cell kind is one struct implementing this.
/// </summary>
internal interface IRecurrentCell
{
    /// <summary>Rows of <c>weight_ih</c> and <c>weight_hh</c> per hidden unit: 3 (GRU: r, z, n) or 4 (LSTM: i, f, g, o).</summary>
    static abstract int Gates { get; }

    /// <summary>The gate of <c>weight_ih</c> that accumulator <paramref name="a"/> (0–3) sums, or −1 for none.</summary>
    static abstract int InputGate(int a);

    /// <summary>The gate of <c>weight_hh</c> that accumulator <paramref name="a"/> (0–3) sums, or −1 for none.</summary>
    static abstract int HiddenGate(int a);

    /// <summary>
    /// The cell of the hidden units <c>[at, at + count)</c> from their four sums <paramref name="s"/> (one vector each):
    /// writes the new hidden state to <paramref name="y"/> and over the old in <paramref name="state"/> (and what else of
    /// the state the cell keeps, after its <paramref name="hidden"/> hidden values). <see cref="Open"/> then
    /// <see cref="Close"/> written as one: called in turn, their inlined code took a GRU(8)'s step from 42.3 to 45 ns
    /// (AVX-512 off on Zen 4: the same operations, the JIT's registers otherwise allocated).
    /// </summary>
    static abstract void Cell<T, TSimd, TVector>(ref T s, ref T state, ref T y, nuint at, int count, nuint hidden)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSimd : ISimd<T, TVector>
        where TVector : struct;

    /// <summary>
    /// The first half of the cell of the hidden units <c>[at, at + count)</c>, from their four sums <paramref name="s"/>
    /// (one vector each): the gates that wait only for the sums, and what follows from them up to the cell's last
    /// activation, the two vectors <see cref="Close"/> takes (and for the LSTM, the new cell state written over the old,
    /// after the <paramref name="hidden"/> hidden values of <paramref name="state"/>).
    /// </summary>
    static abstract void Open<T, TSimd, TVector>(ref T s, ref T state, nuint at, int count, nuint hidden, out TVector first, out TVector second)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSimd : ISimd<T, TVector>
        where TVector : struct;

    /// <summary>
    /// The second half of the cell, from what <see cref="Open"/> gave: the last activation, and the new hidden state
    /// written to <paramref name="y"/> and over the old in <paramref name="state"/>.
    /// </summary>
    static abstract void Close<T, TSimd, TVector>(TVector first, TVector second, ref T state, ref T y, nuint at, int count)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSimd : ISimd<T, TVector>
        where TVector : struct;
}

/// <summary>
/// The GRU's accumulators: r and z sum both projections, n keeps them apart (<c>n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))</c>):
/// accumulator 2 is <c>W_in x + b_in</c>, accumulator 3 is <c>W_hn h + b_hn</c>.
/// </summary>
internal readonly struct GruCell : IRecurrentCell
{
    public static int Gates => 3;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int InputGate(int a) => a < 3 ? a : -1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int HiddenGate(int a) => a < 2 ? a : a == 3 ? 2 : -1;

    /// <summary><c>h' = n + z ⊙ (h − n)</c>, <c>n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Cell<T, TSimd, TVector>(ref T s, ref T state, ref T y, nuint at, int count, nuint hidden)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSimd : ISimd<T, TVector>
        where TVector : struct
    {
        nuint lanes = (nuint)TSimd.Count;
        TVector r = Gates<T, TSimd, TVector>.Sigmoid(TSimd.Load(ref s, 0));
        TVector z = Gates<T, TSimd, TVector>.Sigmoid(TSimd.Load(ref s, lanes));
        TVector n = Gates<T, TSimd, TVector>.Tanh(TSimd.MultiplyAdd(r, TSimd.Load(ref s, 3 * lanes), TSimd.Load(ref s, 2 * lanes)));
        TVector h = TSimd.MultiplyAdd(z, TSimd.Subtract(Lanes<T, TSimd, TVector>.LoadFirst(ref state, at, count), n), n);
        Lanes<T, TSimd, TVector>.StoreFirst(h, ref y, at, count);
        Lanes<T, TSimd, TVector>.StoreFirst(h, ref state, at, count);
    }

    /// <summary><c>z</c> (<paramref name="first"/>) and the candidate's pre-activation <c>W_in x + b_in + r ⊙ (W_hn h + b_hn)</c> (<paramref name="second"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Open<T, TSimd, TVector>(ref T s, ref T state, nuint at, int count, nuint hidden, out TVector first, out TVector second)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSimd : ISimd<T, TVector>
        where TVector : struct
    {
        nuint lanes = (nuint)TSimd.Count;
        TVector r = Gates<T, TSimd, TVector>.Sigmoid(TSimd.Load(ref s, 0));
        first = Gates<T, TSimd, TVector>.Sigmoid(TSimd.Load(ref s, lanes));
        second = TSimd.MultiplyAdd(r, TSimd.Load(ref s, 3 * lanes), TSimd.Load(ref s, 2 * lanes));
    }

    /// <summary><c>n = tanh(…)</c>, <c>h' = n + z ⊙ (h − n)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Close<T, TSimd, TVector>(TVector first, TVector second, ref T state, ref T y, nuint at, int count)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSimd : ISimd<T, TVector>
        where TVector : struct
    {
        TVector n = Gates<T, TSimd, TVector>.Tanh(second);
        TVector h = TSimd.MultiplyAdd(first, TSimd.Subtract(Lanes<T, TSimd, TVector>.LoadFirst(ref state, at, count), n), n);
        Lanes<T, TSimd, TVector>.StoreFirst(h, ref y, at, count);
        Lanes<T, TSimd, TVector>.StoreFirst(h, ref state, at, count);
    }
}

/// <summary>The LSTM's accumulators: i, f, g, o, each the sum of both projections.</summary>
internal readonly struct LstmCell : IRecurrentCell
{
    public static int Gates => 4;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int InputGate(int a) => a;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int HiddenGate(int a) => a;

    /// <summary><c>c' = f ⊙ c + i ⊙ g</c> (the cell state follows the hidden state), <c>h' = o ⊙ tanh c'</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Cell<T, TSimd, TVector>(ref T s, ref T state, ref T y, nuint at, int count, nuint hidden)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSimd : ISimd<T, TVector>
        where TVector : struct
    {
        nuint lanes = (nuint)TSimd.Count;
        TVector i = Gates<T, TSimd, TVector>.Sigmoid(TSimd.Load(ref s, 0));
        TVector f = Gates<T, TSimd, TVector>.Sigmoid(TSimd.Load(ref s, lanes));
        TVector g = Gates<T, TSimd, TVector>.Tanh(TSimd.Load(ref s, 2 * lanes));
        TVector o = Gates<T, TSimd, TVector>.Sigmoid(TSimd.Load(ref s, 3 * lanes));
        TVector c = TSimd.MultiplyAdd(f, Lanes<T, TSimd, TVector>.LoadFirst(ref state, hidden + at, count), TSimd.Multiply(i, g));
        Lanes<T, TSimd, TVector>.StoreFirst(c, ref state, hidden + at, count);
        TVector h = TSimd.Multiply(o, Gates<T, TSimd, TVector>.Tanh(c));
        Lanes<T, TSimd, TVector>.StoreFirst(h, ref y, at, count);
        Lanes<T, TSimd, TVector>.StoreFirst(h, ref state, at, count);
    }

    /// <summary><c>o</c> (<paramref name="first"/>) and <c>c' = f ⊙ c + i ⊙ g</c> (<paramref name="second"/>, also written after the hidden state).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Open<T, TSimd, TVector>(ref T s, ref T state, nuint at, int count, nuint hidden, out TVector first, out TVector second)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSimd : ISimd<T, TVector>
        where TVector : struct
    {
        nuint lanes = (nuint)TSimd.Count;
        TVector i = Gates<T, TSimd, TVector>.Sigmoid(TSimd.Load(ref s, 0));
        TVector f = Gates<T, TSimd, TVector>.Sigmoid(TSimd.Load(ref s, lanes));
        TVector g = Gates<T, TSimd, TVector>.Tanh(TSimd.Load(ref s, 2 * lanes));
        first = Gates<T, TSimd, TVector>.Sigmoid(TSimd.Load(ref s, 3 * lanes));
        second = TSimd.MultiplyAdd(f, Lanes<T, TSimd, TVector>.LoadFirst(ref state, hidden + at, count), TSimd.Multiply(i, g));
        Lanes<T, TSimd, TVector>.StoreFirst(second, ref state, hidden + at, count);
    }

    /// <summary><c>h' = o ⊙ tanh c'</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Close<T, TSimd, TVector>(TVector first, TVector second, ref T state, ref T y, nuint at, int count)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSimd : ISimd<T, TVector>
        where TVector : struct
    {
        TVector h = TSimd.Multiply(first, Gates<T, TSimd, TVector>.Tanh(second));
        Lanes<T, TSimd, TVector>.StoreFirst(h, ref y, at, count);
        Lanes<T, TSimd, TVector>.StoreFirst(h, ref state, at, count);
    }
}

/// <summary>
/// The GRU's and LSTM's step on weights packed for it (a sequence network's inference snapshot, its <c>Freeze()</c>):
/// the hidden units in blocks of one vector, the blocks in tiles of <see cref="TileBlocks{TShape}"/>. A tile holds, for
/// each input value and then each hidden-state value, the weights of its blocks' gates as contiguous vectors
/// (<c>[In + H][TileBlocks][Gates][Count]</c>, zeros past H), then per block the biases of its four accumulators. The step
/// broadcasts each input and state value once per tile to every gate of every block, so both projections are one stream of
/// fused multiply-adds with no horizontal sum, split among <see cref="Chains{TShape}"/> independent chains where a tile has
/// few accumulators; then the cell runs on the sums.
/// </summary>
/// <typeparam name="T">The scalar type.</typeparam>
/// <typeparam name="TSimd">The vector width.</typeparam>
/// <typeparam name="TVector">The vector type of the width.</typeparam>
[SkipLocalsInit]
internal static class RecurrentPackedKernels<T, TSimd, TVector>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
    where TSimd : ISimd<T, TVector>
    where TVector : struct
{
    /// <summary>Blocks of one vector of hidden units, the last padded.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int Blocks<TShape>()
        where TShape : ILayerShape => (TShape.Out + TSimd.Count - 1) / TSimd.Count;

    /// <summary>Blocks per tile: as few tiles as the accumulators (four per block) allow, as even as they can be.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int TileBlocks<TShape>()
        where TShape : ILayerShape
    {
        int blocksPerTile = Lanes<T, TSimd, TVector>.TileAccumulators / 4;
        int tiles = (Blocks<TShape>() + blocksPerTile - 1) / blocksPerTile;
        return (Blocks<TShape>() + tiles - 1) / tiles;
    }

    /// <summary>The number of tiles.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int Tiles<TShape>()
        where TShape : ILayerShape => (Blocks<TShape>() + TileBlocks<TShape>() - 1) / TileBlocks<TShape>();

    /// <summary>Independent accumulator chains: 1, 2 or 4, as many as the accumulators left by the tile's blocks allow.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int Chains<TShape>()
        where TShape : ILayerShape
    {
        int room = Lanes<T, TSimd, TVector>.TileAccumulators / (4 * TileBlocks<TShape>());
        return room >= 4 ? 4 : room >= 2 ? 2 : 1;
    }

    /// <summary>Elements of one row of a tile: one input's weights for every gate of the tile's blocks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int RowLength<TShape, TCell>()
        where TShape : ILayerShape
        where TCell : IRecurrentCell => TileBlocks<TShape>() * TCell.Gates * TSimd.Count;

    /// <summary>Elements of one tile: its rows, then four bias vectors per block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int TileLength<TShape, TCell>()
        where TShape : ILayerShape
        where TCell : IRecurrentCell => ((TShape.In + TShape.Out) * RowLength<TShape, TCell>()) + (TileBlocks<TShape>() * 4 * TSimd.Count);

    /// <summary>Elements of the packed layer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Length<TShape, TCell>()
        where TShape : ILayerShape
        where TCell : IRecurrentCell => Tiles<TShape>() * TileLength<TShape, TCell>();

    /// <summary>Elements of scratch <see cref="Step{TShape, TCell}"/> needs: the four sums of every block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int ScratchLength<TShape>()
        where TShape : ILayerShape => Tiles<TShape>() * TileBlocks<TShape>() * 4 * TSimd.Count;

    /// <summary>Writes the packed layout of the layer's parameters (PyTorch's <c>weight_ih</c>, <c>weight_hh</c>, <c>bias_ih</c>, <c>bias_hh</c>).</summary>
    public static void Pack<TShape, TCell>(ref T p, ref T q)
        where TShape : ILayerShape
        where TCell : IRecurrentCell
    {
        int hidden = TShape.Out, inputs = TShape.In, gates = TCell.Gates, lanes = TSimd.Count, tb = TileBlocks<TShape>();
        ref T wih = ref p;
        ref T whh = ref Unsafe.Add(ref p, gates * hidden * inputs);
        ref T bih = ref Unsafe.Add(ref whh, gates * hidden * hidden);
        ref T bhh = ref Unsafe.Add(ref bih, gates * hidden);
        int row = RowLength<TShape, TCell>();
        for (int t = 0; t < Tiles<TShape>(); t++)
        {
            ref T tile = ref Unsafe.Add(ref q, t * TileLength<TShape, TCell>());
            ref T bias = ref Unsafe.Add(ref tile, (inputs + hidden) * row);
            for (int b = 0; b < tb; b++)
            {
                for (int lane = 0; lane < lanes; lane++)
                {
                    int unit = (((t * tb) + b) * lanes) + lane;
                    bool inside = unit < hidden;
                    for (int g = 0; g < gates; g++)
                    {
                        int at = (((b * gates) + g) * lanes) + lane;
                        for (int i = 0; i < inputs; i++)
                        {
                            Unsafe.Add(ref tile, (i * row) + at) = inside ? Unsafe.Add(ref wih, (((g * hidden) + unit) * inputs) + i) : T.Zero;
                        }

                        for (int j = 0; j < hidden; j++)
                        {
                            Unsafe.Add(ref tile, ((inputs + j) * row) + at) = inside ? Unsafe.Add(ref whh, (((g * hidden) + unit) * hidden) + j) : T.Zero;
                        }
                    }

                    for (int a = 0; a < 4; a++)
                    {
                        T sum = T.Zero;
                        if (inside && TCell.InputGate(a) >= 0)
                        {
                            sum += Unsafe.Add(ref bih, (TCell.InputGate(a) * hidden) + unit);
                        }

                        if (inside && TCell.HiddenGate(a) >= 0)
                        {
                            sum += Unsafe.Add(ref bhh, (TCell.HiddenGate(a) * hidden) + unit);
                        }

                        Unsafe.Add(ref bias, (((b * 4) + a) * lanes) + lane) = sum;
                    }
                }
            }
        }
    }

    /// <summary>
    /// One frame: the sums of every tile into <paramref name="sums"/> (<see cref="InputTile{TShape, TCell}"/>, then
    /// <see cref="Tile{TShape, TCell}"/>), then the cells (<see cref="CellByCell{TShape, TCell}"/> or <see cref="Cells{TShape, TCell}"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Step<TShape, TCell>(ref T q, ref T state, ref T x, ref T y, ref T sums)
        where TShape : ILayerShape
        where TCell : IRecurrentCell
    {
        for (nuint t = 0; t < (nuint)Tiles<TShape>(); t++)
        {
            InputTile<TShape, TCell>(ref q, ref x, ref sums, t);
            Tile<TShape, TCell>(ref q, ref state, ref sums, t);
        }

        if (Blocks<TShape>() < SplitBlocks)
        {
            CellByCell<TShape, TCell>(ref sums, ref state, ref y);
        }
        else
        {
            Cells<TShape, TCell>(ref sums, ref state, ref y);
        }
    }

    /// <summary>
    /// Layers of at least this many blocks take their cells in two passes (<see cref="Cells{TShape, TCell}"/>), fewer in one
    /// (<see cref="CellByCell{TShape, TCell}"/>). On Zen 4, in the probe, interleaved with one pass: with AVX-512 off
    /// (blocks of 8) LSTM(32) and GRU(32), four blocks, took 199-204 to 176-184 and 139-141 to 131-135 ns a step in two,
    /// and the GRU(16) of the Conv1D model, two blocks, 91-92 to 94-97; at 512 bits (blocks of 16) LSTM(32) and GRU(32), two
    /// blocks, 145-150 to 187-189 and 106-110 to 123-149.
    /// </summary>
    private const int SplitBlocks = 3;

    /// <summary>
    /// The cell of every block of a layer of fewer than <see cref="SplitBlocks"/> blocks, one block's whole cell after the
    /// other. A method of its own with one cell in its loop, so that the inlined activations stay within the JIT's
    /// inlining budget.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static void CellByCell<TShape, TCell>(ref T sums, ref T state, ref T y)
        where TShape : ILayerShape
        where TCell : IRecurrentCell
    {
        for (nuint b = 0; b < (nuint)Blocks<TShape>(); b++)
        {
            int count = Lanes<T, TSimd, TVector>.BlockCount(TShape.Out, b * (nuint)TSimd.Count);
            TCell.Cell<T, TSimd, TVector>(ref Unsafe.Add(ref sums, 4 * b * (nuint)TSimd.Count), ref state, ref y, b * (nuint)TSimd.Count, count, (nuint)TShape.Out);
        }
    }

    /// <summary>
    /// The cell of every block of a layer of <see cref="SplitBlocks"/> blocks or more, which writes the new hidden state to
    /// <paramref name="y"/> and over the old (block by block: the tiles have read the old state already), and for the LSTM
    /// the new cell state over the old: the first halves of all the blocks' cells (<see cref="IRecurrentCell.Open"/>), each
    /// leaving its two vectors over its sums, then the second halves (<see cref="IRecurrentCell.Close"/>). Each half holds
    /// one level of the cell's activations (the gates, then the last one), so the core runs the blocks' chains side by
    /// side, where a whole cell per block (about 180 instructions for the LSTM) let it hold about two blocks at once. A
    /// method of its own with one half of a cell in each loop, so that the inlined activations stay within the JIT's
    /// inlining budget.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static void Cells<TShape, TCell>(ref T sums, ref T state, ref T y)
        where TShape : ILayerShape
        where TCell : IRecurrentCell
    {
        nuint hidden = (nuint)TShape.Out;
        nuint lanes = (nuint)TSimd.Count;
        for (nuint b = 0; b < (nuint)Blocks<TShape>(); b++)
        {
            ref T s = ref Unsafe.Add(ref sums, 4 * b * lanes);
            TCell.Open<T, TSimd, TVector>(ref s, ref state, b * lanes, Lanes<T, TSimd, TVector>.BlockCount(TShape.Out, b * lanes), hidden, out TVector first, out TVector second);
            TSimd.Store(first, ref s, 0);
            TSimd.Store(second, ref s, lanes);
        }

        for (nuint b = 0; b < (nuint)Blocks<TShape>(); b++)
        {
            ref T s = ref Unsafe.Add(ref sums, 4 * b * lanes);
            TCell.Close<T, TSimd, TVector>(TSimd.Load(ref s, 0), TSimd.Load(ref s, lanes), ref state, ref y, b * lanes, Lanes<T, TSimd, TVector>.BlockCount(TShape.Out, b * lanes));
        }
    }

    /// <summary>
    /// The input frame's part of tile <paramref name="t"/>: the biases plus <c>W_ih x</c> of each of its accumulators
    /// (one chain: the frame is usually a few values), stored to <paramref name="sums"/>. A method of its own, so that
    /// <see cref="Tile{TShape, TCell}"/>'s inlined steps stay within the JIT's inlining budget; it does not wait for the
    /// state, so it runs beside the previous step's cell.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void InputTile<TShape, TCell>(ref T q, ref T x, ref T sums, nuint t)
        where TShape : ILayerShape
        where TCell : IRecurrentCell
    {
        int tb = TileBlocks<TShape>();
        int first = tb * 4;
        nuint row = (nuint)RowLength<TShape, TCell>();
        nuint inputs = (nuint)TShape.In;
        ref T tile = ref Unsafe.Add(ref q, t * (nuint)TileLength<TShape, TCell>());
        ref T bias = ref Unsafe.Add(ref tile, (inputs + (nuint)TShape.Out) * row);
        ref T s = ref Unsafe.Add(ref sums, t * (nuint)(first * TSimd.Count));
        TVector a0 = Start(ref bias, 0, first), a1 = Start(ref bias, 1, first), a2 = Start(ref bias, 2, first), a3 = Start(ref bias, 3, first);
        TVector a4 = Start(ref bias, 4, first), a5 = Start(ref bias, 5, first), a6 = Start(ref bias, 6, first), a7 = Start(ref bias, 7, first);
        TVector a8 = Start(ref bias, 8, first), a9 = Start(ref bias, 9, first), a10 = Start(ref bias, 10, first), a11 = Start(ref bias, 11, first);
        TVector a12 = Start(ref bias, 12, first), a13 = Start(ref bias, 13, first), a14 = Start(ref bias, 14, first), a15 = Start(ref bias, 15, first);
        Accumulate<TCell>(ref tile, ref x, inputs, tb, 1, row, false, ref a0, ref a1, ref a2, ref a3, ref a4, ref a5, ref a6, ref a7, ref a8, ref a9, ref a10, ref a11, ref a12, ref a13, ref a14, ref a15);
        Store(ref s, first, a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15);
    }

    /// <summary>
    /// Tile <paramref name="t"/>: its accumulators (chain <c>k / (4 · TileBlocks)</c>, block <c>k / 4 % TileBlocks</c>,
    /// accumulator <c>k % 4</c>), the first chain from <paramref name="sums"/>, over every value of the state, the chains
    /// added, stored back. A method of its own, compiled fully optimised at its first call, with every size a constant.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile<TShape, TCell>(ref T q, ref T h, ref T sums, nuint t)
        where TShape : ILayerShape
        where TCell : IRecurrentCell
    {
        // The sizes once, as locals: the JIT propagates them as constants into the inlined steps.
        int tb = TileBlocks<TShape>();
        int chains = Chains<TShape>();
        int active = chains * tb * 4;
        int first = tb * 4;
        nuint row = (nuint)RowLength<TShape, TCell>();
        ref T tile = ref Unsafe.Add(ref q, t * (nuint)TileLength<TShape, TCell>());
        ref T hiddenRows = ref Unsafe.Add(ref tile, (nuint)TShape.In * row);
        ref T s = ref Unsafe.Add(ref sums, t * (nuint)(first * TSimd.Count));
        TVector a0 = Start(ref s, 0, first), a1 = Start(ref s, 1, first), a2 = Start(ref s, 2, first), a3 = Start(ref s, 3, first);
        TVector a4 = Start(ref s, 4, first), a5 = Start(ref s, 5, first), a6 = Start(ref s, 6, first), a7 = Start(ref s, 7, first);
        TVector a8 = Start(ref s, 8, first), a9 = Start(ref s, 9, first), a10 = Start(ref s, 10, first), a11 = Start(ref s, 11, first);
        TVector a12 = Start(ref s, 12, first), a13 = Start(ref s, 13, first), a14 = Start(ref s, 14, first), a15 = Start(ref s, 15, first);
        Accumulate<TCell>(ref hiddenRows, ref h, (nuint)TShape.Out, tb, chains, row, true, ref a0, ref a1, ref a2, ref a3, ref a4, ref a5, ref a6, ref a7, ref a8, ref a9, ref a10, ref a11, ref a12, ref a13, ref a14, ref a15);

        // The chains added pairwise: the upper half of the accumulators onto the lower, until one chain is left.
        if (active == 16 && first < 16)
        {
            a0 = TSimd.Add(a0, a8); a1 = TSimd.Add(a1, a9); a2 = TSimd.Add(a2, a10); a3 = TSimd.Add(a3, a11);
            a4 = TSimd.Add(a4, a12); a5 = TSimd.Add(a5, a13); a6 = TSimd.Add(a6, a14); a7 = TSimd.Add(a7, a15);
            active = 8;
        }

        if (active == 8 && first < 8)
        {
            a0 = TSimd.Add(a0, a4); a1 = TSimd.Add(a1, a5); a2 = TSimd.Add(a2, a6); a3 = TSimd.Add(a3, a7);
        }

        Store(ref s, first, a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15);
    }

    /// <summary>Stores the first <paramref name="first"/> accumulators (the first chain) to <paramref name="s"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(
        ref T s, int first, TVector a0, TVector a1, TVector a2, TVector a3, TVector a4, TVector a5, TVector a6, TVector a7,
        TVector a8, TVector a9, TVector a10, TVector a11, TVector a12, TVector a13, TVector a14, TVector a15)
    {
        nuint lanes = (nuint)TSimd.Count;
        TSimd.Store(a0, ref s, 0); TSimd.Store(a1, ref s, lanes); TSimd.Store(a2, ref s, 2 * lanes); TSimd.Store(a3, ref s, 3 * lanes);
        if (first > 4)
        {
            TSimd.Store(a4, ref s, 4 * lanes); TSimd.Store(a5, ref s, 5 * lanes); TSimd.Store(a6, ref s, 6 * lanes); TSimd.Store(a7, ref s, 7 * lanes);
        }

        if (first > 8)
        {
            TSimd.Store(a8, ref s, 8 * lanes); TSimd.Store(a9, ref s, 9 * lanes); TSimd.Store(a10, ref s, 10 * lanes); TSimd.Store(a11, ref s, 11 * lanes);
        }

        if (first > 12)
        {
            TSimd.Store(a12, ref s, 12 * lanes); TSimd.Store(a13, ref s, 13 * lanes); TSimd.Store(a14, ref s, 14 * lanes); TSimd.Store(a15, ref s, 15 * lanes);
        }
    }

    /// <summary>
    /// The accumulators after the <paramref name="n"/> values <paramref name="v"/> times their rows <paramref name="rows"/>:
    /// the input frame, or (<paramref name="state"/>) the hidden state.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Accumulate<TCell>(
        ref T rows, ref T v, nuint n, int tb, int chains, nuint row, bool state,
        ref TVector a0, ref TVector a1, ref TVector a2, ref TVector a3, ref TVector a4, ref TVector a5, ref TVector a6, ref TVector a7,
        ref TVector a8, ref TVector a9, ref TVector a10, ref TVector a11, ref TVector a12, ref TVector a13, ref TVector a14, ref TVector a15)
        where TCell : IRecurrentCell
    {
        int active = chains * tb * 4;
        nuint i = 0;
        for (nuint whole = n / (nuint)chains * (nuint)chains; i < whole; i += (nuint)chains)
        {
            a0 = Step<TCell>(a0, ref rows, ref v, i, 0, tb, row, state); a1 = Step<TCell>(a1, ref rows, ref v, i, 1, tb, row, state);
            a2 = Step<TCell>(a2, ref rows, ref v, i, 2, tb, row, state); a3 = Step<TCell>(a3, ref rows, ref v, i, 3, tb, row, state);
            if (active > 4)
            {
                a4 = Step<TCell>(a4, ref rows, ref v, i, 4, tb, row, state); a5 = Step<TCell>(a5, ref rows, ref v, i, 5, tb, row, state);
                a6 = Step<TCell>(a6, ref rows, ref v, i, 6, tb, row, state); a7 = Step<TCell>(a7, ref rows, ref v, i, 7, tb, row, state);
            }

            if (active > 8)
            {
                a8 = Step<TCell>(a8, ref rows, ref v, i, 8, tb, row, state); a9 = Step<TCell>(a9, ref rows, ref v, i, 9, tb, row, state);
                a10 = Step<TCell>(a10, ref rows, ref v, i, 10, tb, row, state); a11 = Step<TCell>(a11, ref rows, ref v, i, 11, tb, row, state);
            }

            if (active > 12)
            {
                a12 = Step<TCell>(a12, ref rows, ref v, i, 12, tb, row, state); a13 = Step<TCell>(a13, ref rows, ref v, i, 13, tb, row, state);
                a14 = Step<TCell>(a14, ref rows, ref v, i, 14, tb, row, state); a15 = Step<TCell>(a15, ref rows, ref v, i, 15, tb, row, state);
            }
        }

        // The values past the last whole step go to the first chains (fewer than the chains, so at most three).
        int rest = (int)(n % (nuint)chains) * tb * 4;
        if (rest > 0)
        {
            a0 = Step<TCell>(a0, ref rows, ref v, i, 0, tb, row, state); a1 = Step<TCell>(a1, ref rows, ref v, i, 1, tb, row, state);
            a2 = Step<TCell>(a2, ref rows, ref v, i, 2, tb, row, state); a3 = Step<TCell>(a3, ref rows, ref v, i, 3, tb, row, state);
        }

        if (rest > 4)
        {
            a4 = Step<TCell>(a4, ref rows, ref v, i, 4, tb, row, state); a5 = Step<TCell>(a5, ref rows, ref v, i, 5, tb, row, state);
            a6 = Step<TCell>(a6, ref rows, ref v, i, 6, tb, row, state); a7 = Step<TCell>(a7, ref rows, ref v, i, 7, tb, row, state);
        }

        if (rest > 8)
        {
            a8 = Step<TCell>(a8, ref rows, ref v, i, 8, tb, row, state); a9 = Step<TCell>(a9, ref rows, ref v, i, 9, tb, row, state);
            a10 = Step<TCell>(a10, ref rows, ref v, i, 10, tb, row, state); a11 = Step<TCell>(a11, ref rows, ref v, i, 11, tb, row, state);
        }
    }

    /// <summary>The start of accumulator <paramref name="k"/>: loaded from <paramref name="from"/> in the first chain, zero in the others.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector Start(ref T from, int k, int first) => k < first ? TSimd.Load(ref from, (nuint)(k * TSimd.Count)) : TSimd.Zero;

    /// <summary>
    /// Accumulator <paramref name="k"/> after value <c>i + chain</c> of the input frame or (<paramref name="state"/>) of the
    /// hidden state, if its gate takes that projection.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector Step<TCell>(TVector a, ref T rows, ref T v, nuint i, int k, int tb, nuint row, bool state)
        where TCell : IRecurrentCell
    {
        int gate = state ? TCell.HiddenGate(k % 4) : TCell.InputGate(k % 4);
        if (gate < 0)
        {
            return a;
        }

        nuint at = i + (nuint)(k / (4 * tb));
        nuint column = (nuint)(((((k / 4) % tb) * TCell.Gates) + gate) * TSimd.Count);
        return TSimd.MultiplyAdd(TSimd.Create(Unsafe.Add(ref v, at)), TSimd.Load(ref rows, (at * row) + column), a);
    }
}
