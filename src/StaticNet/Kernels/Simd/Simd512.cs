using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace StaticNet.Kernels;

/// <summary>
/// The 512-bit width (AVX-512): 16 floats or 8 doubles. Runs everywhere (emulated where not accelerated, which the tests use
/// to check it on any machine), but is chosen only where <see cref="Vector512.IsHardwareAccelerated"/>.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct Simd512<T> : ISimd<T, Vector512<T>>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public static bool HasMaskedLoad
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => MaskedMoves;
    }

    /// <inheritdoc/>
    public static bool HasMaskedStore
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => MaskedMoves;
    }

    /// <summary>AVX-512's masked moves (their API is .NET 9's: on .NET 8 partial vectors go through memory).</summary>
#if NET9_0_OR_GREATER
    private static bool MaskedMoves
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Avx512F.IsSupported;
    }
#else
    private static bool MaskedMoves => false;
#endif

    /// <inheritdoc/>
    public static int Count => Vector512<T>.Count;

    /// <inheritdoc/>
    public static int Registers => 32;

    /// <inheritdoc/>
    public static bool IsFused
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Avx512F.IsSupported;
    }

    /// <inheritdoc/>
    public static Vector512<T> Zero
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector512<T>.Zero;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Create(T value) => Vector512.Create(value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> LoadLow(ref T source, nuint offset, int count) => Simd128<T>.LoadLow(ref source, offset, count).ToVector256().ToVector512();

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreLow(Vector512<T> value, ref T destination, nuint offset, int count) =>
        Simd128<T>.StoreLow(value.GetLower().GetLower(), ref destination, offset, count);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Load(ref T source, nuint offset) => Vector512.LoadUnsafe(ref source, offset);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<T> value, ref T destination, nuint offset) => value.StoreUnsafe(ref destination, offset);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> LoadHalves(ref T source, nuint offset)
    {
        Vector256<T> half = Vector256.LoadUnsafe(ref source, offset);
        return Vector512.Create(half, half);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreHalves(Vector512<T> value, ref T lower, ref T upper, nuint offset)
    {
        value.GetLower().StoreUnsafe(ref lower, offset);
        value.GetUpper().StoreUnsafe(ref upper, offset);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// One path for float and double: the mask is built on 32-bit lanes (a double's two halves alike), which the masked
    /// moves of single-precision lanes take.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Vector512<T> LoadMasked(ref T source, nuint offset, int count)
    {
        fixed (T* address = &Unsafe.Add(ref source, offset))
        {
#if NET9_0_OR_GREATER
            return Avx512F.MaskLoad((float*)address, FirstWords(count), Vector512<float>.Zero).As<float, T>();
#else
            throw new System.NotSupportedException();
#endif
        }
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void StoreMasked(Vector512<T> value, ref T destination, nuint offset, int count)
    {
        fixed (T* address = &Unsafe.Add(ref destination, offset))
        {
#if NET9_0_OR_GREATER
            Avx512F.MaskStore((float*)address, FirstWords(count), value.AsSingle());
#else
            throw new System.NotSupportedException();
#endif
        }
    }

    /// <summary>A mask of the 32-bit lanes of the first <paramref name="count"/> lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe Vector512<float> FirstWords(int count) =>
        Vector512.LessThan(Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15), Vector512.Create(count * (sizeof(T) / 4))).AsSingle();

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T First(Vector512<T> value) => value.ToScalar();

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(Vector512<T> value) => Simd256<T>.Sum(value.GetLower() + value.GetUpper());

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T MaxAcross(Vector512<T> value) => Simd256<T>.MaxAcross(Simd256<T>.Max(value.GetLower(), value.GetUpper()));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Sums(
        Vector512<T> a0, Vector512<T> a1, Vector512<T> a2, Vector512<T> a3, Vector512<T> a4, Vector512<T> a5, Vector512<T> a6, Vector512<T> a7,
        Vector512<T> a8, Vector512<T> a9, Vector512<T> a10, Vector512<T> a11, Vector512<T> a12, Vector512<T> a13, Vector512<T> a14, Vector512<T> a15)
    {
        if (Avx512F.IsSupported)
        {
            if (typeof(T) == typeof(float))
            {
                // Halves, quarters, then pairs within each 128-bit lane twice. The tree leaves the sum of its slot s in lane
                // 4 (s % 4) + s / 4, so slot s is given accumulator 4 (s % 4) + s / 4: every sum lands in its own lane.
                Vector512<float> h0 = Half(a0.AsSingle(), a4.AsSingle()), h1 = Half(a8.AsSingle(), a12.AsSingle());
                Vector512<float> h2 = Half(a1.AsSingle(), a5.AsSingle()), h3 = Half(a9.AsSingle(), a13.AsSingle());
                Vector512<float> h4 = Half(a2.AsSingle(), a6.AsSingle()), h5 = Half(a10.AsSingle(), a14.AsSingle());
                Vector512<float> h6 = Half(a3.AsSingle(), a7.AsSingle()), h7 = Half(a11.AsSingle(), a15.AsSingle());
                Vector512<float> q0 = Quarter(h0, h1), q1 = Quarter(h2, h3), q2 = Quarter(h4, h5), q3 = Quarter(h6, h7);
                return PairsSingle(PairsSingle(q0, q1), PairsSingle(q2, q3)).As<float, T>();
            }
            else
            {
                // The same for 8 lanes: slot s lands in lane 2 (s % 4) + s / 4, so slot s is given accumulator 2 (s % 4) + s / 4.
                Vector512<double> h0 = Half(a0.AsDouble(), a2.AsDouble()), h1 = Half(a4.AsDouble(), a6.AsDouble());
                Vector512<double> h2 = Half(a1.AsDouble(), a3.AsDouble()), h3 = Half(a5.AsDouble(), a7.AsDouble());
                Vector512<double> q0 = Quarter(h0, h1), q1 = Quarter(h2, h3);
                return (Avx512F.UnpackLow(q0, q1) + Avx512F.UnpackHigh(q0, q1)).As<double, T>();
            }
        }

        // Halves added, then the 256-bit tree on each group of accumulators.
        if (typeof(T) == typeof(float))
        {
            return Vector512.Create(
                Simd256<T>.Sums(Fold(a0), Fold(a1), Fold(a2), Fold(a3), Fold(a4), Fold(a5), Fold(a6), Fold(a7), default, default, default, default, default, default, default, default),
                Simd256<T>.Sums(Fold(a8), Fold(a9), Fold(a10), Fold(a11), Fold(a12), Fold(a13), Fold(a14), Fold(a15), default, default, default, default, default, default, default, default));
        }

        return Vector512.Create(
            Simd256<T>.Sums(Fold(a0), Fold(a1), Fold(a2), Fold(a3), default, default, default, default, default, default, default, default, default, default, default, default),
            Simd256<T>.Sums(Fold(a4), Fold(a5), Fold(a6), Fold(a7), default, default, default, default, default, default, default, default, default, default, default, default));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Fold(Vector512<T> value) => value.GetLower() + value.GetUpper();

    /// <summary><c>[a.lo + a.hi | b.lo + b.hi]</c> in 256-bit halves.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Half(Vector512<float> a, Vector512<float> b) =>
        Vector512.ConditionalSelect(UpperHalf.AsSingle(), b, a) + Avx512F.Shuffle4x128(a, b, 0x4E);

    /// <summary><c>[a.lo + a.hi | b.lo + b.hi]</c> in 256-bit halves.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Half(Vector512<double> a, Vector512<double> b) =>
        Vector512.ConditionalSelect(UpperHalf.AsDouble(), b, a) + Avx512F.Shuffle4x128(a, b, 0x4E);

    /// <summary>All bits set in the upper 256 bits.</summary>
    private static Vector512<long> UpperHalf
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector512.Create(0L, 0L, 0L, 0L, -1L, -1L, -1L, -1L);
    }

    /// <summary>Adds the 128-bit lanes of each 256-bit half: one 128-bit lane per original accumulator.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Quarter(Vector512<float> a, Vector512<float> b) =>
        Avx512F.Shuffle4x128(a, b, 0x88) + Avx512F.Shuffle4x128(a, b, 0xDD);

    /// <summary>Adds the 128-bit lanes of each 256-bit half: one 128-bit lane per original accumulator.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Quarter(Vector512<double> a, Vector512<double> b) =>
        Avx512F.Shuffle4x128(a, b, 0x88) + Avx512F.Shuffle4x128(a, b, 0xDD);

    /// <summary>Adjacent pairs within each 128-bit lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> PairsSingle(Vector512<float> a, Vector512<float> b) =>
        Avx512F.Shuffle(a, b, 0x88) + Avx512F.Shuffle(a, b, 0xDD);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Evens(Vector512<T> a, Vector512<T> b) => Unzip(a, b, 0);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Odds(Vector512<T> a, Vector512<T> b) => Unzip(a, b, 1);

    /// <summary>Lanes <c>first, first + 2, …</c> of <c>a ‖ b</c>: one two-table permute.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> Unzip(Vector512<T> a, Vector512<T> b, int first)
    {
        if (Avx512F.IsSupported)
        {
            if (typeof(T) == typeof(float))
            {
                Vector512<int> lanes = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30) + Vector512.Create(first);
                return Avx512F.PermuteVar16x32x2(a.AsSingle(), lanes, b.AsSingle()).As<float, T>();
            }

            Vector512<long> pairs = Vector512.Create(0L, 2, 4, 6, 8, 10, 12, 14) + Vector512.Create((long)first);
            return Avx512F.PermuteVar8x64x2(a.AsDouble(), pairs, b.AsDouble()).As<double, T>();
        }

        return first == 0
            ? Vector512.Create(Simd256<T>.Evens(a.GetLower(), a.GetUpper()), Simd256<T>.Evens(b.GetLower(), b.GetUpper()))
            : Vector512.Create(Simd256<T>.Odds(a.GetLower(), a.GetUpper()), Simd256<T>.Odds(b.GetLower(), b.GetUpper()));
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> LastLanes(int count) => Vector512.GreaterThanOrEqual(Indices, Vector512.Create(T.CreateTruncating(Count - count)));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> FirstLanes(int count) => Vector512.LessThan(Indices, Vector512.Create(T.CreateTruncating(count)));

    private static Vector512<T> Indices
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => typeof(T) == typeof(float)
            ? Vector512.Create(0f, 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f, 12f, 13f, 14f, 15f).As<float, T>()
            : Vector512.Create(0d, 1d, 2d, 3d, 4d, 5d, 6d, 7d).As<double, T>();
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Add(Vector512<T> left, Vector512<T> right) => left + right;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Subtract(Vector512<T> left, Vector512<T> right) => left - right;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Multiply(Vector512<T> left, Vector512<T> right) => left * right;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Divide(Vector512<T> left, Vector512<T> right) => left / right;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> MultiplyAdd(Vector512<T> a, Vector512<T> b, Vector512<T> c)
    {
        if (Avx512F.IsSupported)
        {
            return typeof(T) == typeof(float)
                ? Avx512F.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>()
                : Avx512F.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
        }

        return Vector512.Create(
            Simd256<T>.MultiplyAdd(a.GetLower(), b.GetLower(), c.GetLower()),
            Simd256<T>.MultiplyAdd(a.GetUpper(), b.GetUpper(), c.GetUpper()));
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> NegatedMultiplyAdd(Vector512<T> a, Vector512<T> b, Vector512<T> c)
    {
        if (Avx512F.IsSupported)
        {
            return typeof(T) == typeof(float)
                ? Avx512F.FusedMultiplyAddNegated(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>()
                : Avx512F.FusedMultiplyAddNegated(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
        }

        return Vector512.Create(
            Simd256<T>.NegatedMultiplyAdd(a.GetLower(), b.GetLower(), c.GetLower()),
            Simd256<T>.NegatedMultiplyAdd(a.GetUpper(), b.GetUpper(), c.GetUpper()));
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Negate(Vector512<T> value) => value ^ Vector512.Create(-T.Zero);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Abs(Vector512<T> value) => Vector512.AndNot(value, Vector512.Create(-T.Zero));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Max(Vector512<T> left, Vector512<T> right)
    {
        if (Avx512F.IsSupported)
        {
            return typeof(T) == typeof(float)
                ? Avx512F.Max(left.AsSingle(), right.AsSingle()).As<float, T>()
                : Avx512F.Max(left.AsDouble(), right.AsDouble()).As<double, T>();
        }

        return Vector512.Create(Simd256<T>.Max(left.GetLower(), right.GetLower()), Simd256<T>.Max(left.GetUpper(), right.GetUpper()));
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Min(Vector512<T> left, Vector512<T> right)
    {
        if (Avx512F.IsSupported)
        {
            return typeof(T) == typeof(float)
                ? Avx512F.Min(left.AsSingle(), right.AsSingle()).As<float, T>()
                : Avx512F.Min(left.AsDouble(), right.AsDouble()).As<double, T>();
        }

        return Vector512.Create(Simd256<T>.Min(left.GetLower(), right.GetLower()), Simd256<T>.Min(left.GetUpper(), right.GetUpper()));
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Round(Vector512<T> value)
    {
        // Adding and subtracting 1.5 * 2^(mantissa bits) rounds to an integer, ties to even, for magnitudes below 2^22 (2^51).
        Vector512<T> magic = typeof(T) == typeof(float) ? Vector512.Create(12582912f).As<float, T>() : Vector512.Create(6755399441055744d).As<double, T>();
        return (value + magic) - magic;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Sqrt(Vector512<T> value) => Vector512.Sqrt(value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Equals(Vector512<T> left, Vector512<T> right) => Vector512.Equals(left, right);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> LessThan(Vector512<T> left, Vector512<T> right) => Vector512.LessThan(left, right);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> LessThanOrEqual(Vector512<T> left, Vector512<T> right) => Vector512.LessThanOrEqual(left, right);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> GreaterThan(Vector512<T> left, Vector512<T> right) => Vector512.GreaterThan(left, right);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Select(Vector512<T> mask, Vector512<T> whenTrue, Vector512<T> whenFalse) => Vector512.ConditionalSelect(mask, whenTrue, whenFalse);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> And(Vector512<T> left, Vector512<T> right) => left & right;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Or(Vector512<T> left, Vector512<T> right) => left | right;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> AndNot(Vector512<T> left, Vector512<T> right) => Vector512.AndNot(left, right);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Xor(Vector512<T> left, Vector512<T> right) => left ^ right;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Any(Vector512<T> mask) => mask != Vector512<T>.Zero;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> ShiftLeftInteger(Vector512<T> value, int count) => typeof(T) == typeof(float)
        ? Vector512.ShiftLeft(value.AsInt32(), count).As<int, T>()
        : Vector512.ShiftLeft(value.AsInt64(), count).As<long, T>();

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> ShiftRightLogicalInteger(Vector512<T> value, int count) => typeof(T) == typeof(float)
        ? Vector512.ShiftRightLogical(value.AsInt32(), count).As<int, T>()
        : Vector512.ShiftRightLogical(value.AsInt64(), count).As<long, T>();

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> AddInteger(Vector512<T> left, Vector512<T> right) => typeof(T) == typeof(float)
        ? (left.AsInt32() + right.AsInt32()).As<int, T>()
        : (left.AsInt64() + right.AsInt64()).As<long, T>();

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> SubtractInteger(Vector512<T> left, Vector512<T> right) => typeof(T) == typeof(float)
        ? (left.AsInt32() - right.AsInt32()).As<int, T>()
        : (left.AsInt64() - right.AsInt64()).As<long, T>();

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> CreateInteger(long value) => typeof(T) == typeof(float)
        ? Vector512.Create((int)value).As<int, T>()
        : Vector512.Create(value).As<long, T>();
}
