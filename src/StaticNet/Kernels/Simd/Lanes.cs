using System;
using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace StaticNet.Kernels;

/// <summary>
/// What every kernel needs around the operations of a width: loads and stores of fewer lanes than a vector (so that no
/// kernel reads or writes past the end of a row), and the element-wise loops over spans of any length.
/// </summary>
/// <typeparam name="T">The scalar type.</typeparam>
/// <typeparam name="TSimd">The vector width.</typeparam>
/// <typeparam name="TVector">The vector type of the width.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
[SkipLocalsInit]
public static class Lanes<T, TSimd, TVector>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
    where TSimd : ISimd<T, TVector>
    where TVector : struct
{
    /// <summary>
    /// The accumulators a register tile keeps (the packed kernels' tiles, DensePackedKernels and RecurrentPackedKernels):
    /// 16 vectors where the width has 32 registers, else 8, which leaves room for the broadcasts, the loaded weights and
    /// the constants without spilling.
    /// </summary>
    internal static int TileAccumulators
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => TSimd.Registers >= 32 ? 16 : 8;
    }

    /// <summary>
    /// The lanes of the block of a row of <paramref name="length"/> elements that starts at <paramref name="at"/>: a whole
    /// vector, or the row's rest. A constant where the length is (a type argument's size) and a whole number of vectors:
    /// then the block's loads and stores are plain ones, where a count known only at run time takes the masked moves, whose
    /// results the JIT passed through a stack temporary (a recurrent cell's gates, every frame).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int BlockCount(int length, nuint at) =>
        length % TSimd.Count == 0 ? TSimd.Count : (int)Math.Min((nuint)TSimd.Count, (nuint)length - at);

    /// <summary>Loads <c>source[offset..offset + count)</c> into the first <paramref name="count"/> lanes; the other lanes are zero.</summary>
    /// <remarks>
    /// One lane, or two floats: a scalar move. More: with masked moves (AVX-512, AVX) one instruction; elsewhere through
    /// memory, in a method of its own: inlined, that path's code would count against the inlining budget of every kernel
    /// that loads a partial vector, even where the masked move is taken (the JIT charges an inlinee by its whole IL).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector LoadFirst(ref T source, nuint offset, int count)
    {
        // One expression, not a return per case: with two returns the JIT gave the inlined result a stack temporary (a
        // store and a reload on the way to the add that reads it), even where the count folded to a whole vector. Lanes
        // that fit 8 bytes (one lane, two floats) are a scalar move: a masked move pins its address (a store and a load of
        // the pointer), the JIT passes its result through a stack temporary, and a masked store is not forwarded to a load
        // that reads it soon after (a network's one output, read by the caller): T1's Freeze().Forward on Zen 4, 3 pairs,
        // 75-88 -> 59-70 ns at 256 bits. One call per case: the JIT charges these calls to the caller's inlining budget
        // even in branches it later finds dead (the scalar softmax ran out of it with one more).
        return count >= TSimd.Count
            ? TSimd.Load(ref source, offset)
            : count * Unsafe.SizeOf<T>() <= 8 ? TSimd.LoadLow(ref source, offset, count)
            : TSimd.HasMaskedLoad ? TSimd.LoadMasked(ref source, offset, count) : LoadFirstThroughMemory(ref source, offset, count);
    }

    /// <summary>Stores the first <paramref name="count"/> lanes to <c>destination[offset..offset + count)</c>.</summary>
    /// <remarks>
    /// As <see cref="LoadFirst"/>: a scalar move for one lane or two floats, a masked move, or through memory in a method of
    /// its own.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreFirst(TVector value, ref T destination, nuint offset, int count)
    {
        if (count >= TSimd.Count)
        {
            TSimd.Store(value, ref destination, offset);
        }
        else if (count * Unsafe.SizeOf<T>() <= 8)
        {
            TSimd.StoreLow(value, ref destination, offset, count);
        }
        else if (TSimd.HasMaskedStore)
        {
            TSimd.StoreMasked(value, ref destination, offset, count);
        }
        else
        {
            StoreFirstThroughMemory(value, ref destination, offset, count);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static TVector LoadFirstThroughMemory(ref T source, nuint offset, int count)
    {
        Buffer buffer = default;
        ref T lanes = ref Unsafe.As<Buffer, T>(ref buffer);
        for (int i = 0; i < count; i++)
        {
            Unsafe.Add(ref lanes, i) = Unsafe.Add(ref source, offset + (nuint)i);
        }

        return TSimd.Load(ref lanes, 0);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void StoreFirstThroughMemory(TVector value, ref T destination, nuint offset, int count)
    {
        Unsafe.SkipInit(out Buffer buffer);
        ref T lanes = ref Unsafe.As<Buffer, T>(ref buffer);
        TSimd.Store(value, ref lanes, 0);
        for (int i = 0; i < count; i++)
        {
            Unsafe.Add(ref destination, offset + (nuint)i) = Unsafe.Add(ref lanes, i);
        }
    }

    /// <summary>Lane <c>k</c> of the result is <c>source[offset + k · stride]</c> (through memory, lane by lane).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector LoadStrided(ref T source, nuint offset, nuint stride)
    {
        Unsafe.SkipInit(out Buffer buffer);
        ref T lanes = ref Unsafe.As<Buffer, T>(ref buffer);
        for (int i = 0; i < TSimd.Count; i++)
        {
            Unsafe.Add(ref lanes, i) = Unsafe.Add(ref source, offset + ((nuint)i * stride));
        }

        return TSimd.Load(ref lanes, 0);
    }

    /// <summary><c>destination[i] += scale · source[i]</c> for <c>i</c> in [0, <paramref name="length"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddScaled(ref T destination, ref T source, T scale, int length)
    {
        TVector factor = TSimd.Create(scale);
        nuint i = 0;
        for (nuint whole = (nuint)(length / TSimd.Count * TSimd.Count); i < whole; i += (nuint)TSimd.Count)
        {
            TSimd.Store(TSimd.MultiplyAdd(factor, TSimd.Load(ref source, i), TSimd.Load(ref destination, i)), ref destination, i);
        }

        for (; i < (nuint)length; i++)
        {
            Unsafe.Add(ref destination, i) = Simd1<T>.MultiplyAdd(scale, Unsafe.Add(ref source, i), Unsafe.Add(ref destination, i));
        }
    }

    /// <summary><c>destination[i] += source[i]</c> for <c>i</c> in [0, <paramref name="length"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Add(ref T destination, ref T source, int length)
    {
        nuint i = 0;
        for (nuint whole = (nuint)(length / TSimd.Count * TSimd.Count); i < whole; i += (nuint)TSimd.Count)
        {
            TSimd.Store(TSimd.Add(TSimd.Load(ref destination, i), TSimd.Load(ref source, i)), ref destination, i);
        }

        for (; i < (nuint)length; i++)
        {
            Unsafe.Add(ref destination, i) += Unsafe.Add(ref source, i);
        }
    }

    /// <summary>Whether every value of <c>source[0..length)</c> is finite.</summary>
    /// <remarks>
    /// <c>x · 0</c> is 0 for a finite <c>x</c> and NaN for an infinity or a NaN, and a sum with a NaN stays NaN: one multiply
    /// and one add per vector, and no sum of the values that could overflow.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AllFinite(ref T source, int length)
    {
        TVector sum = TSimd.Zero;
        nuint i = 0;
        for (nuint whole = (nuint)(length / TSimd.Count * TSimd.Count); i < whole; i += (nuint)TSimd.Count)
        {
            sum = TSimd.Add(sum, TSimd.Multiply(TSimd.Load(ref source, i), TSimd.Zero));
        }

        T rest = T.Zero;
        for (; i < (nuint)length; i++)
        {
            rest += Unsafe.Add(ref source, i) * T.Zero;
        }

        return !T.IsNaN(TSimd.Sum(sum) + rest);
    }

    /// <summary>Room for one vector of the widest width (64 bytes of float, 64 of double: 16 and 8 lanes).</summary>
    [InlineArray(16)]
    private struct Buffer
    {
        private T _element;
    }
}
