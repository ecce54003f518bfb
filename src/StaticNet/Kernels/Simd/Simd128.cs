using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace StaticNet.Kernels;

/// <summary>
/// The 128-bit width: 4 floats or 2 doubles, SSE on x64 (with FMA where AVX is on) and NEON on ARM64. Every 64-bit .NET
/// platform accelerates it, so it is the width of every machine without AVX2.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct Simd128<T> : ISimd<T, Vector128<T>>
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
    public static int Count => Vector128<T>.Count;

    /// <inheritdoc/>
    public static int Registers
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => AdvSimd.Arm64.IsSupported || Avx512F.VL.IsSupported ? 32 : 16;
    }

    /// <inheritdoc/>
    public static bool IsFused
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Fma.IsSupported || AdvSimd.Arm64.IsSupported;
    }

    /// <inheritdoc/>
    public static Vector128<T> Zero
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector128<T>.Zero;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Create(T value) => Vector128.Create(value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> LoadLow(ref T source, nuint offset, int count) =>
        count * Unsafe.SizeOf<T>() == 4
            ? Vector128.CreateScalar(Unsafe.Add(ref source, offset))
            : Vector128.CreateScalar(Unsafe.ReadUnaligned<double>(ref Unsafe.As<T, byte>(ref Unsafe.Add(ref source, offset)))).As<double, T>();

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreLow(Vector128<T> value, ref T destination, nuint offset, int count)
    {
        if (count * Unsafe.SizeOf<T>() == 4)
        {
            Unsafe.Add(ref destination, offset) = value.ToScalar();
        }
        else
        {
            Unsafe.WriteUnaligned(ref Unsafe.As<T, byte>(ref Unsafe.Add(ref destination, offset)), value.AsDouble().ToScalar());
        }
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Load(ref T source, nuint offset) => Vector128.LoadUnsafe(ref source, offset);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector128<T> value, ref T destination, nuint offset) => value.StoreUnsafe(ref destination, offset);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> LoadHalves(ref T source, nuint offset)
    {
        Vector64<T> half = Vector64.LoadUnsafe(ref source, offset);
        return Vector128.Create(half, half);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreHalves(Vector128<T> value, ref T lower, ref T upper, nuint offset)
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
    public static unsafe Vector128<T> LoadMasked(ref T source, nuint offset, int count)
    {
        fixed (T* address = &Unsafe.Add(ref source, offset))
        {
#if NET9_0_OR_GREATER
            if (MaskedMoves)
            {
                return Avx512F.VL.MaskLoad((float*)address, FirstWords(count), Vector128<float>.Zero).As<float, T>();
            }
#endif

            return Avx.MaskLoad((float*)address, FirstWords(count)).As<float, T>();
        }
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void StoreMasked(Vector128<T> value, ref T destination, nuint offset, int count)
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
    private static unsafe Vector128<float> FirstWords(int count) =>
        Vector128.LessThan(Vector128.Create(0, 1, 2, 3), Vector128.Create(count * (sizeof(T) / 4))).AsSingle();

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T First(Vector128<T> value) => value.ToScalar();

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(Vector128<T> value)
    {
        if (typeof(T) == typeof(float))
        {
            // The same tree as Sums: (x0 + x1) + (x2 + x3).
            return (value.GetElement(0) + value.GetElement(1)) + (value.GetElement(2) + value.GetElement(3));
        }

        return value.GetElement(0) + value.GetElement(1);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T MaxAcross(Vector128<T> value)
    {
        if (typeof(T) == typeof(float))
        {
            Vector128<T> pairs = Max(value, Vector128.Shuffle(value.AsSingle(), Vector128.Create(2, 3, 0, 1)).As<float, T>());
            return T.Max(pairs.GetElement(0), pairs.GetElement(1));
        }

        return T.Max(value.GetElement(0), value.GetElement(1));
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Sums(
        Vector128<T> a0, Vector128<T> a1, Vector128<T> a2, Vector128<T> a3, Vector128<T> a4, Vector128<T> a5, Vector128<T> a6, Vector128<T> a7,
        Vector128<T> a8, Vector128<T> a9, Vector128<T> a10, Vector128<T> a11, Vector128<T> a12, Vector128<T> a13, Vector128<T> a14, Vector128<T> a15)
    {
        if (typeof(T) == typeof(float))
        {
            // Adjacent pairs, twice: [a0.0+a0.1, a0.2+a0.3, a1.0+a1.1, a1.2+a1.3], then the same on two of those.
            return Pairs(Pairs(a0, a1), Pairs(a2, a3));
        }

        return Pairs(a0, a1);
    }

    /// <summary><c>[a0 + a1, a2 + a3, b0 + b1, b2 + b3]</c> for floats, <c>[a0 + a1, b0 + b1]</c> for doubles.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<T> Pairs(Vector128<T> a, Vector128<T> b)
    {
        if (AdvSimd.Arm64.IsSupported)
        {
            return typeof(T) == typeof(float)
                ? AdvSimd.Arm64.AddPairwise(a.AsSingle(), b.AsSingle()).As<float, T>()
                : AdvSimd.Arm64.AddPairwise(a.AsDouble(), b.AsDouble()).As<double, T>();
        }

        return Evens(a, b) + Odds(a, b);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Evens(Vector128<T> a, Vector128<T> b) => Unzip(a, b, 0);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Odds(Vector128<T> a, Vector128<T> b) => Unzip(a, b, 1);

    /// <summary>Lanes <c>first, first + 2, …</c> of <c>a ‖ b</c>: one instruction on ARM64 and x64.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<T> Unzip(Vector128<T> a, Vector128<T> b, int first)
    {
        if (typeof(T) == typeof(float))
        {
            Vector128<float> fa = a.AsSingle(), fb = b.AsSingle();
            if (AdvSimd.Arm64.IsSupported)
            {
                return (first == 0 ? AdvSimd.Arm64.UnzipEven(fa, fb) : AdvSimd.Arm64.UnzipOdd(fa, fb)).As<float, T>();
            }

            if (Sse.IsSupported)
            {
                return (first == 0 ? Sse.Shuffle(fa, fb, 0b10_00_10_00) : Sse.Shuffle(fa, fb, 0b11_01_11_01)).As<float, T>();
            }

            return Vector128.Create(fa.GetElement(first), fa.GetElement(first + 2), fb.GetElement(first), fb.GetElement(first + 2)).As<float, T>();
        }

        Vector128<double> da = a.AsDouble(), db = b.AsDouble();
        if (AdvSimd.Arm64.IsSupported)
        {
            return (first == 0 ? AdvSimd.Arm64.UnzipEven(da, db) : AdvSimd.Arm64.UnzipOdd(da, db)).As<double, T>();
        }

        if (Sse2.IsSupported)
        {
            return (first == 0 ? Sse2.UnpackLow(da, db) : Sse2.UnpackHigh(da, db)).As<double, T>();
        }

        return Vector128.Create(da.GetElement(first), db.GetElement(first)).As<double, T>();
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> LastLanes(int count) => Vector128.GreaterThanOrEqual(Indices, Vector128.Create(T.CreateTruncating(Count - count)));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> FirstLanes(int count) => Vector128.LessThan(Indices, Vector128.Create(T.CreateTruncating(count)));

    private static Vector128<T> Indices
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => typeof(T) == typeof(float)
            ? Vector128.Create(0f, 1f, 2f, 3f).As<float, T>()
            : Vector128.Create(0d, 1d).As<double, T>();
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Add(Vector128<T> left, Vector128<T> right) => left + right;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Subtract(Vector128<T> left, Vector128<T> right) => left - right;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Multiply(Vector128<T> left, Vector128<T> right) => left * right;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Divide(Vector128<T> left, Vector128<T> right) => left / right;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> MultiplyAdd(Vector128<T> a, Vector128<T> b, Vector128<T> c)
    {
        if (Fma.IsSupported)
        {
            return typeof(T) == typeof(float)
                ? Fma.MultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>()
                : Fma.MultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
        }

        if (AdvSimd.Arm64.IsSupported)
        {
            return typeof(T) == typeof(float)
                ? AdvSimd.FusedMultiplyAdd(c.AsSingle(), a.AsSingle(), b.AsSingle()).As<float, T>()
                : AdvSimd.Arm64.FusedMultiplyAdd(c.AsDouble(), a.AsDouble(), b.AsDouble()).As<double, T>();
        }

        return (a * b) + c;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> NegatedMultiplyAdd(Vector128<T> a, Vector128<T> b, Vector128<T> c)
    {
        if (Fma.IsSupported)
        {
            return typeof(T) == typeof(float)
                ? Fma.MultiplyAddNegated(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>()
                : Fma.MultiplyAddNegated(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
        }

        if (AdvSimd.Arm64.IsSupported)
        {
            return typeof(T) == typeof(float)
                ? AdvSimd.FusedMultiplySubtract(c.AsSingle(), a.AsSingle(), b.AsSingle()).As<float, T>()
                : AdvSimd.Arm64.FusedMultiplySubtract(c.AsDouble(), a.AsDouble(), b.AsDouble()).As<double, T>();
        }

        return c - (a * b);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Negate(Vector128<T> value) => value ^ Vector128.Create(-T.Zero);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Abs(Vector128<T> value) => Vector128.AndNot(value, Vector128.Create(-T.Zero));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Max(Vector128<T> left, Vector128<T> right)
    {
        if (Sse.IsSupported && typeof(T) == typeof(float))
        {
            return Sse.Max(left.AsSingle(), right.AsSingle()).As<float, T>();
        }

        if (Sse2.IsSupported && typeof(T) == typeof(double))
        {
            return Sse2.Max(left.AsDouble(), right.AsDouble()).As<double, T>();
        }

        if (AdvSimd.Arm64.IsSupported)
        {
            return typeof(T) == typeof(float)
                ? AdvSimd.Max(left.AsSingle(), right.AsSingle()).As<float, T>()
                : AdvSimd.Arm64.Max(left.AsDouble(), right.AsDouble()).As<double, T>();
        }

        return Vector128.Max(left, right);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Min(Vector128<T> left, Vector128<T> right)
    {
        if (Sse.IsSupported && typeof(T) == typeof(float))
        {
            return Sse.Min(left.AsSingle(), right.AsSingle()).As<float, T>();
        }

        if (Sse2.IsSupported && typeof(T) == typeof(double))
        {
            return Sse2.Min(left.AsDouble(), right.AsDouble()).As<double, T>();
        }

        if (AdvSimd.Arm64.IsSupported)
        {
            return typeof(T) == typeof(float)
                ? AdvSimd.Min(left.AsSingle(), right.AsSingle()).As<float, T>()
                : AdvSimd.Arm64.Min(left.AsDouble(), right.AsDouble()).As<double, T>();
        }

        return Vector128.Min(left, right);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Round(Vector128<T> value)
    {
        if (Sse41.IsSupported)
        {
            return typeof(T) == typeof(float)
                ? Sse41.RoundToNearestInteger(value.AsSingle()).As<float, T>()
                : Sse41.RoundToNearestInteger(value.AsDouble()).As<double, T>();
        }

        if (AdvSimd.Arm64.IsSupported)
        {
            return typeof(T) == typeof(float)
                ? AdvSimd.RoundToNearest(value.AsSingle()).As<float, T>()
                : AdvSimd.Arm64.RoundToNearest(value.AsDouble()).As<double, T>();
        }

        // Adding and subtracting 1.5 * 2^(mantissa bits) rounds to an integer, ties to even, for magnitudes below 2^22 (2^51).
        Vector128<T> magic = typeof(T) == typeof(float) ? Vector128.Create(12582912f).As<float, T>() : Vector128.Create(6755399441055744d).As<double, T>();
        return (value + magic) - magic;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Sqrt(Vector128<T> value) => Vector128.Sqrt(value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Equals(Vector128<T> left, Vector128<T> right) => Vector128.Equals(left, right);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> LessThan(Vector128<T> left, Vector128<T> right) => Vector128.LessThan(left, right);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> LessThanOrEqual(Vector128<T> left, Vector128<T> right) => Vector128.LessThanOrEqual(left, right);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> GreaterThan(Vector128<T> left, Vector128<T> right) => Vector128.GreaterThan(left, right);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Select(Vector128<T> mask, Vector128<T> whenTrue, Vector128<T> whenFalse) => Vector128.ConditionalSelect(mask, whenTrue, whenFalse);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> And(Vector128<T> left, Vector128<T> right) => left & right;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Or(Vector128<T> left, Vector128<T> right) => left | right;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> AndNot(Vector128<T> left, Vector128<T> right) => Vector128.AndNot(left, right);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Xor(Vector128<T> left, Vector128<T> right) => left ^ right;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Any(Vector128<T> mask) => mask != Vector128<T>.Zero;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> ShiftLeftInteger(Vector128<T> value, int count) => typeof(T) == typeof(float)
        ? Vector128.ShiftLeft(value.AsInt32(), count).As<int, T>()
        : Vector128.ShiftLeft(value.AsInt64(), count).As<long, T>();

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> ShiftRightLogicalInteger(Vector128<T> value, int count) => typeof(T) == typeof(float)
        ? Vector128.ShiftRightLogical(value.AsInt32(), count).As<int, T>()
        : Vector128.ShiftRightLogical(value.AsInt64(), count).As<long, T>();

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> AddInteger(Vector128<T> left, Vector128<T> right) => typeof(T) == typeof(float)
        ? (left.AsInt32() + right.AsInt32()).As<int, T>()
        : (left.AsInt64() + right.AsInt64()).As<long, T>();

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> SubtractInteger(Vector128<T> left, Vector128<T> right) => typeof(T) == typeof(float)
        ? (left.AsInt32() - right.AsInt32()).As<int, T>()
        : (left.AsInt64() - right.AsInt64()).As<long, T>();

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> CreateInteger(long value) => typeof(T) == typeof(float)
        ? Vector128.Create((int)value).As<int, T>()
        : Vector128.Create(value).As<long, T>();
}
