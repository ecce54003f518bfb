using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace StaticNet.Kernels;

/// <summary>
/// The 256-bit width (AVX2 with FMA on x64): 8 floats or 4 doubles. Runs everywhere (the JIT emulates <see cref="Vector256{T}"/>
/// with two 128-bit halves where it is not accelerated), but is chosen only where <see cref="Vector256.IsHardwareAccelerated"/>.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct Simd256<T> : ISimd<T, Vector256<T>>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public static bool HasMaskedLoad
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => MaskedMoves || Avx.IsSupported;
    }

    /// <inheritdoc/>
    public static bool HasMaskedStore
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => MaskedMoves;
    }

    /// <summary>AVX-512's masked moves at this width (their API is .NET 9's: on .NET 8 only AVX's masked load is used).</summary>
#if NET9_0_OR_GREATER
    private static bool MaskedMoves
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Avx512F.VL.IsSupported;
    }
#else
    private static bool MaskedMoves => false;
#endif

    /// <inheritdoc/>
    public static int Count => Vector256<T>.Count;

    /// <inheritdoc/>
    public static int Registers
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Avx512F.VL.IsSupported ? 32 : 16;
    }

    /// <inheritdoc/>
    public static bool IsFused
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Fma.IsSupported;
    }

    /// <inheritdoc/>
    public static Vector256<T> Zero
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector256<T>.Zero;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Create(T value) => Vector256.Create(value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> LoadLow(ref T source, nuint offset, int count) => Simd128<T>.LoadLow(ref source, offset, count).ToVector256();

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreLow(Vector256<T> value, ref T destination, nuint offset, int count) => Simd128<T>.StoreLow(value.GetLower(), ref destination, offset, count);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Load(ref T source, nuint offset) => Vector256.LoadUnsafe(ref source, offset);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<T> value, ref T destination, nuint offset) => value.StoreUnsafe(ref destination, offset);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> LoadHalves(ref T source, nuint offset)
    {
        Vector128<T> half = Vector128.LoadUnsafe(ref source, offset);
        return Vector256.Create(half, half);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreHalves(Vector256<T> value, ref T lower, ref T upper, nuint offset)
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
    public static unsafe Vector256<T> LoadMasked(ref T source, nuint offset, int count)
    {
        fixed (T* address = &Unsafe.Add(ref source, offset))
        {
#if NET9_0_OR_GREATER
            if (MaskedMoves)
            {
                return Avx512F.VL.MaskLoad((float*)address, FirstWords(count), Vector256<float>.Zero).As<float, T>();
            }
#endif

            return Avx.MaskLoad((float*)address, FirstWords(count)).As<float, T>();
        }
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void StoreMasked(Vector256<T> value, ref T destination, nuint offset, int count)
    {
        fixed (T* address = &Unsafe.Add(ref destination, offset))
        {
#if NET9_0_OR_GREATER
            Avx512F.VL.MaskStore((float*)address, FirstWords(count), value.AsSingle());
#else
            throw new System.NotSupportedException();
#endif
        }
    }

    /// <summary>A mask of the 32-bit lanes of the first <paramref name="count"/> lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe Vector256<float> FirstWords(int count) =>
        Vector256.LessThan(Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7), Vector256.Create(count * (sizeof(T) / 4))).AsSingle();

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T First(Vector256<T> value) => value.ToScalar();

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(Vector256<T> value) => Simd128<T>.Sum(value.GetLower() + value.GetUpper());

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T MaxAcross(Vector256<T> value) => Simd128<T>.MaxAcross(Simd128<T>.Max(value.GetLower(), value.GetUpper()));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Sums(
        Vector256<T> a0, Vector256<T> a1, Vector256<T> a2, Vector256<T> a3, Vector256<T> a4, Vector256<T> a5, Vector256<T> a6, Vector256<T> a7,
        Vector256<T> a8, Vector256<T> a9, Vector256<T> a10, Vector256<T> a11, Vector256<T> a12, Vector256<T> a13, Vector256<T> a14, Vector256<T> a15)
    {
        if (Avx.IsSupported)
        {
            if (typeof(T) == typeof(float))
            {
                // Pairs within each 128-bit half, twice: u0 = [s0 s1 s2 s3 | s0' s1' s2' s3'] (the sums of the lower and the
                // upper halves of a0..a3), u1 likewise for a4..a7; then [u0.hi | u1.lo] + [u0.lo | u1.hi].
                Vector256<float> t0 = Avx.HorizontalAdd(a0.AsSingle(), a1.AsSingle());
                Vector256<float> t1 = Avx.HorizontalAdd(a2.AsSingle(), a3.AsSingle());
                Vector256<float> t2 = Avx.HorizontalAdd(a4.AsSingle(), a5.AsSingle());
                Vector256<float> t3 = Avx.HorizontalAdd(a6.AsSingle(), a7.AsSingle());
                Vector256<float> u0 = Avx.HorizontalAdd(t0, t1);
                Vector256<float> u1 = Avx.HorizontalAdd(t2, t3);
                return (Avx.Permute2x128(u0, u1, 0x21) + Avx.Blend(u0, u1, 0xF0)).As<float, T>();
            }
            else
            {
                // t0 = [a0.01 a1.01 | a0.23 a1.23], t1 likewise for a2, a3; then [t0.hi | t1.lo] + [t0.lo | t1.hi].
                Vector256<double> t0 = Avx.HorizontalAdd(a0.AsDouble(), a1.AsDouble());
                Vector256<double> t1 = Avx.HorizontalAdd(a2.AsDouble(), a3.AsDouble());
                return (Avx.Permute2x128(t0, t1, 0x21) + Avx.Blend(t0, t1, 0b1100)).As<double, T>();
            }
        }

        // Halves added, then the 128-bit tree on each group of accumulators.
        if (typeof(T) == typeof(float))
        {
            return Vector256.Create(
                Simd128<T>.Sums(Fold(a0), Fold(a1), Fold(a2), Fold(a3), default, default, default, default, default, default, default, default, default, default, default, default),
                Simd128<T>.Sums(Fold(a4), Fold(a5), Fold(a6), Fold(a7), default, default, default, default, default, default, default, default, default, default, default, default));
        }

        return Vector256.Create(
            Simd128<T>.Sums(Fold(a0), Fold(a1), default, default, default, default, default, default, default, default, default, default, default, default, default, default),
            Simd128<T>.Sums(Fold(a2), Fold(a3), default, default, default, default, default, default, default, default, default, default, default, default, default, default));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<T> Fold(Vector256<T> value) => value.GetLower() + value.GetUpper();

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Evens(Vector256<T> a, Vector256<T> b) => Unzip(a, b, 0);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Odds(Vector256<T> a, Vector256<T> b) => Unzip(a, b, 1);

    /// <summary>
    /// Lanes <c>first, first + 2, …</c> of <c>a ‖ b</c>: within each 128-bit half, then the halves' 64-bit pairs put in
    /// order (<c>[a0 a2 b0 b2 | a4 a6 b4 b6]</c> to <c>[a0 a2 a4 a6 | b0 b2 b4 b6]</c>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Unzip(Vector256<T> a, Vector256<T> b, int first)
    {
        if (Avx2.IsSupported)
        {
            Vector256<double> halves = typeof(T) == typeof(float)
                ? (first == 0 ? Avx.Shuffle(a.AsSingle(), b.AsSingle(), 0b10_00_10_00) : Avx.Shuffle(a.AsSingle(), b.AsSingle(), 0b11_01_11_01)).AsDouble()
                : first == 0 ? Avx.UnpackLow(a.AsDouble(), b.AsDouble()) : Avx.UnpackHigh(a.AsDouble(), b.AsDouble());
            return Avx2.Permute4x64(halves, 0b11_01_10_00).As<double, T>();
        }

        return first == 0
            ? Vector256.Create(Simd128<T>.Evens(a.GetLower(), a.GetUpper()), Simd128<T>.Evens(b.GetLower(), b.GetUpper()))
            : Vector256.Create(Simd128<T>.Odds(a.GetLower(), a.GetUpper()), Simd128<T>.Odds(b.GetLower(), b.GetUpper()));
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> LastLanes(int count) => Vector256.GreaterThanOrEqual(Indices, Vector256.Create(T.CreateTruncating(Count - count)));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> FirstLanes(int count) => Vector256.LessThan(Indices, Vector256.Create(T.CreateTruncating(count)));

    private static Vector256<T> Indices
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => typeof(T) == typeof(float)
            ? Vector256.Create(0f, 1f, 2f, 3f, 4f, 5f, 6f, 7f).As<float, T>()
            : Vector256.Create(0d, 1d, 2d, 3d).As<double, T>();
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Add(Vector256<T> left, Vector256<T> right) => left + right;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Subtract(Vector256<T> left, Vector256<T> right) => left - right;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Multiply(Vector256<T> left, Vector256<T> right) => left * right;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Divide(Vector256<T> left, Vector256<T> right) => left / right;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> MultiplyAdd(Vector256<T> a, Vector256<T> b, Vector256<T> c)
    {
        if (Fma.IsSupported)
        {
            return typeof(T) == typeof(float)
                ? Fma.MultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>()
                : Fma.MultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
        }

        return (a * b) + c;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> NegatedMultiplyAdd(Vector256<T> a, Vector256<T> b, Vector256<T> c)
    {
        if (Fma.IsSupported)
        {
            return typeof(T) == typeof(float)
                ? Fma.MultiplyAddNegated(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>()
                : Fma.MultiplyAddNegated(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
        }

        return c - (a * b);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Negate(Vector256<T> value) => value ^ Vector256.Create(-T.Zero);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Abs(Vector256<T> value) => Vector256.AndNot(value, Vector256.Create(-T.Zero));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Max(Vector256<T> left, Vector256<T> right)
    {
        if (Avx.IsSupported)
        {
            return typeof(T) == typeof(float)
                ? Avx.Max(left.AsSingle(), right.AsSingle()).As<float, T>()
                : Avx.Max(left.AsDouble(), right.AsDouble()).As<double, T>();
        }

        return Vector256.Max(left, right);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Min(Vector256<T> left, Vector256<T> right)
    {
        if (Avx.IsSupported)
        {
            return typeof(T) == typeof(float)
                ? Avx.Min(left.AsSingle(), right.AsSingle()).As<float, T>()
                : Avx.Min(left.AsDouble(), right.AsDouble()).As<double, T>();
        }

        return Vector256.Min(left, right);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Round(Vector256<T> value)
    {
        if (Avx.IsSupported)
        {
            return typeof(T) == typeof(float)
                ? Avx.RoundToNearestInteger(value.AsSingle()).As<float, T>()
                : Avx.RoundToNearestInteger(value.AsDouble()).As<double, T>();
        }

        return Vector256.Create(Simd128<T>.Round(value.GetLower()), Simd128<T>.Round(value.GetUpper()));
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Sqrt(Vector256<T> value) => Vector256.Sqrt(value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Equals(Vector256<T> left, Vector256<T> right) => Vector256.Equals(left, right);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> LessThan(Vector256<T> left, Vector256<T> right) => Vector256.LessThan(left, right);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> LessThanOrEqual(Vector256<T> left, Vector256<T> right) => Vector256.LessThanOrEqual(left, right);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> GreaterThan(Vector256<T> left, Vector256<T> right) => Vector256.GreaterThan(left, right);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Select(Vector256<T> mask, Vector256<T> whenTrue, Vector256<T> whenFalse) => Vector256.ConditionalSelect(mask, whenTrue, whenFalse);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> And(Vector256<T> left, Vector256<T> right) => left & right;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Or(Vector256<T> left, Vector256<T> right) => left | right;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> AndNot(Vector256<T> left, Vector256<T> right) => Vector256.AndNot(left, right);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Xor(Vector256<T> left, Vector256<T> right) => left ^ right;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Any(Vector256<T> mask) => mask != Vector256<T>.Zero;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> ShiftLeftInteger(Vector256<T> value, int count) => typeof(T) == typeof(float)
        ? Vector256.ShiftLeft(value.AsInt32(), count).As<int, T>()
        : Vector256.ShiftLeft(value.AsInt64(), count).As<long, T>();

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> ShiftRightLogicalInteger(Vector256<T> value, int count) => typeof(T) == typeof(float)
        ? Vector256.ShiftRightLogical(value.AsInt32(), count).As<int, T>()
        : Vector256.ShiftRightLogical(value.AsInt64(), count).As<long, T>();

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> AddInteger(Vector256<T> left, Vector256<T> right) => typeof(T) == typeof(float)
        ? (left.AsInt32() + right.AsInt32()).As<int, T>()
        : (left.AsInt64() + right.AsInt64()).As<long, T>();

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> SubtractInteger(Vector256<T> left, Vector256<T> right) => typeof(T) == typeof(float)
        ? (left.AsInt32() - right.AsInt32()).As<int, T>()
        : (left.AsInt64() - right.AsInt64()).As<long, T>();

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> CreateInteger(long value) => typeof(T) == typeof(float)
        ? Vector256.Create((int)value).As<int, T>()
        : Vector256.Create(value).As<long, T>();
}
