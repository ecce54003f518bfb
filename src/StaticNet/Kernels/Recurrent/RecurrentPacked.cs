using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace StaticNet.Kernels;

/// <summary>
/// The GRU and LSTM layers of a sequence network's inference snapshot (its <c>Freeze()</c>): the parameters copied once
/// into <see cref="RecurrentPackedKernels{T, TSimd, TVector}"/>'s tiles at the widest accelerated vector that the hidden
/// units fill (128 bits for fewer). Without vector hardware the snapshot keeps PyTorch's layout and runs the layer's
/// own step. The width and so the layout are constants of the process, the same when the snapshot is packed and when it
/// is read.
/// </summary>
/// <typeparam name="T">The scalar type.</typeparam>
internal static class RecurrentPacked<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>The number of elements of the packed layer, in whole 64-byte lines.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Length<TShape, TCell>()
        where TShape : ILayerShape
        where TCell : IRecurrentCell => RecurrentPackedLayout<T, TShape, TCell>.Length;

    /// <summary>Elements of scratch <see cref="Step{TShape, TCell}"/> needs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int ScratchLength<TShape, TCell>()
        where TShape : ILayerShape
        where TCell : IRecurrentCell => RecurrentPackedLayout<T, TShape, TCell>.ScratchLength;

    /// <summary>What <see cref="Length{TShape, TCell}"/> returns, computed (once per shape: see <see cref="RecurrentPackedLayout{T, TShape, TCell}"/>).</summary>
    internal static int ComputeLength<TShape, TCell>()
        where TShape : ILayerShape
        where TCell : IRecurrentCell => DensePacked<T>.Aligned(Width<TShape>() switch
        {
            512 => RecurrentPackedKernels<T, Simd512<T>, Vector512<T>>.Length<TShape, TCell>(),
            256 => RecurrentPackedKernels<T, Simd256<T>, Vector256<T>>.Length<TShape, TCell>(),
            128 => RecurrentPackedKernels<T, Simd128<T>, Vector128<T>>.Length<TShape, TCell>(),
            _ => ParameterCount<TShape, TCell>(),
        });

    /// <summary>What <see cref="ScratchLength{TShape, TCell}"/> returns, computed.</summary>
    internal static int ComputeScratchLength<TShape, TCell>()
        where TShape : ILayerShape
        where TCell : IRecurrentCell => Width<TShape>() switch
        {
            512 => RecurrentPackedKernels<T, Simd512<T>, Vector512<T>>.ScratchLength<TShape>(),
            256 => RecurrentPackedKernels<T, Simd256<T>, Vector256<T>>.ScratchLength<TShape>(),
            128 => RecurrentPackedKernels<T, Simd128<T>, Vector128<T>>.ScratchLength<TShape>(),
            _ => 2 * TCell.Gates * TShape.Out,
        };

    /// <summary>Writes the packed layout of the layer's parameters <paramref name="p"/> (PyTorch's layout) to <paramref name="q"/>.</summary>
    public static void Pack<TShape, TCell>(ref T p, ref T q)
        where TShape : ILayerShape
        where TCell : IRecurrentCell
    {
        switch (Width<TShape>())
        {
            case 512: RecurrentPackedKernels<T, Simd512<T>, Vector512<T>>.Pack<TShape, TCell>(ref p, ref q); break;
            case 256: RecurrentPackedKernels<T, Simd256<T>, Vector256<T>>.Pack<TShape, TCell>(ref p, ref q); break;
            case 128: RecurrentPackedKernels<T, Simd128<T>, Vector128<T>>.Pack<TShape, TCell>(ref p, ref q); break;
            default:
                int length = ParameterCount<TShape, TCell>();
                MemoryMarshal.CreateReadOnlySpan(ref p, length).CopyTo(MemoryMarshal.CreateSpan(ref q, length));
                break;
        }
    }

    /// <summary>
    /// One frame from the packed layer: reads and advances the state, writes the new hidden state to <paramref name="y"/>.
    /// Inlined into the composition's step: it is a choice among constants and the calls of the width's tiles and cells.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Step<TShape, TCell>(ref T q, ref T state, ref T x, ref T y, ref T scratch)
        where TShape : ILayerShape
        where TCell : IRecurrentCell
    {
        switch (Width<TShape>())
        {
            case 512: RecurrentPackedKernels<T, Simd512<T>, Vector512<T>>.Step<TShape, TCell>(ref q, ref state, ref x, ref y, ref scratch); break;
            case 256: RecurrentPackedKernels<T, Simd256<T>, Vector256<T>>.Step<TShape, TCell>(ref q, ref state, ref x, ref y, ref scratch); break;
            case 128: RecurrentPackedKernels<T, Simd128<T>, Vector128<T>>.Step<TShape, TCell>(ref q, ref state, ref x, ref y, ref scratch); break;
            default:
                if (typeof(TCell) == typeof(GruCell))
                {
                    Gru<T>.Step<TShape>(ref q, ref state, ref x, ref y, ref scratch);
                }
                else
                {
                    Lstm<T>.Step<TShape>(ref q, ref state, ref x, ref y, ref scratch);
                }

                break;
        }
    }

    /// <summary>The layer's parameters in PyTorch's layout: <c>weight_ih</c>, <c>weight_hh</c>, <c>bias_ih</c>, <c>bias_hh</c>, each of Gates·H rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ParameterCount<TShape, TCell>()
        where TShape : ILayerShape
        where TCell : IRecurrentCell => TCell.Gates * TShape.Out * (TShape.In + TShape.Out + 2);

    /// <summary>
    /// The width the layer is packed at, in bits: the widest accelerated vector that its hidden units fill, the narrowest
    /// for fewer, or 0 without vector hardware (PyTorch's layout kept). A constant to the JIT.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Width<TShape>()
        where TShape : ILayerShape =>
        Vector512.IsHardwareAccelerated && TShape.Out >= Vector512<T>.Count ? 512
        : Vector256.IsHardwareAccelerated && TShape.Out >= Vector256<T>.Count ? 256
        : Vector128.IsHardwareAccelerated ? 128
        : 0;
}

/// <summary>
/// A recurrent layer's packed length and step scratch, computed once per shape (as <see cref="DensePackedLength{T, TShape}"/>,
/// and for the same reason).
/// </summary>
/// <typeparam name="T">The scalar type.</typeparam>
/// <typeparam name="TShape">The layer's sizes.</typeparam>
/// <typeparam name="TCell">The cell.</typeparam>
internal static class RecurrentPackedLayout<T, TShape, TCell>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
    where TShape : ILayerShape
    where TCell : IRecurrentCell
{
    public static readonly int Length = RecurrentPacked<T>.ComputeLength<TShape, TCell>();

    public static readonly int ScratchLength = RecurrentPacked<T>.ComputeScratchLength<TShape, TCell>();
}
