using System;
using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace StaticNet.Kernels;

/// <summary>
/// One lane: the scalar form of the vector algorithms, for layers too narrow for the narrowest vector. A mask is a value
/// whose bits are all set (a NaN) or all clear (zero).
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct Simd1<T> : ISimd<T, T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public static bool HasMaskedLoad => false;

    /// <inheritdoc/>
    public static bool HasMaskedStore => false;

    /// <inheritdoc/>
    public static int Count => 1;

    /// <inheritdoc/>
    public static int Registers => 16;

    /// <inheritdoc/>
    public static bool IsFused
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Fma.IsSupported || AdvSimd.Arm64.IsSupported;
    }

    /// <inheritdoc/>
    public static T Zero => T.Zero;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Create(T value) => value;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T LoadLow(ref T source, nuint offset, int count) => Unsafe.Add(ref source, offset);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreLow(T value, ref T destination, nuint offset, int count) => Unsafe.Add(ref destination, offset) = value;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Load(ref T source, nuint offset) => Unsafe.Add(ref source, offset);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(T value, ref T destination, nuint offset) => Unsafe.Add(ref destination, offset) = value;

    /// <inheritdoc/>
    /// <exception cref="NotSupportedException">Always: one lane is loaded whole.</exception>
    public static T LoadMasked(ref T source, nuint offset, int count) => throw new NotSupportedException();

    /// <inheritdoc/>
    /// <exception cref="NotSupportedException">Always: one lane is stored whole.</exception>
    public static void StoreMasked(T value, ref T destination, nuint offset, int count) => throw new NotSupportedException();

    /// <inheritdoc/>
    /// <exception cref="NotSupportedException">Always: one lane has no halves.</exception>
    public static T LoadHalves(ref T source, nuint offset) => throw new NotSupportedException();

    /// <inheritdoc/>
    /// <exception cref="NotSupportedException">Always: one lane has no halves.</exception>
    public static void StoreHalves(T value, ref T lower, ref T upper, nuint offset) => throw new NotSupportedException();

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T First(T value) => value;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(T value) => value;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T MaxAcross(T value) => value;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sums(T a0, T a1, T a2, T a3, T a4, T a5, T a6, T a7, T a8, T a9, T a10, T a11, T a12, T a13, T a14, T a15) => a0;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Evens(T a, T b) => a;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Odds(T a, T b) => b;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T LastLanes(int count) => count > 0 ? AllBits : T.Zero;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T FirstLanes(int count) => count > 0 ? AllBits : T.Zero;

    private static T AllBits
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => typeof(T) == typeof(float) ? Unsafe.BitCast<int, T>(-1) : Unsafe.BitCast<long, T>(-1L);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Add(T left, T right) => left + right;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Subtract(T left, T right) => left - right;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Multiply(T left, T right) => left * right;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Divide(T left, T right) => left / right;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T MultiplyAdd(T a, T b, T c)
    {
        if (IsFused)
        {
            return typeof(T) == typeof(float)
                ? Unsafe.BitCast<float, T>(MathF.FusedMultiplyAdd(Unsafe.BitCast<T, float>(a), Unsafe.BitCast<T, float>(b), Unsafe.BitCast<T, float>(c)))
                : Unsafe.BitCast<double, T>(Math.FusedMultiplyAdd(Unsafe.BitCast<T, double>(a), Unsafe.BitCast<T, double>(b), Unsafe.BitCast<T, double>(c)));
        }

        return (a * b) + c;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T NegatedMultiplyAdd(T a, T b, T c) => MultiplyAdd(-a, b, c);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Negate(T value) => -value;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Abs(T value) => T.Abs(value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Max(T left, T right) => left > right ? left : right;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Min(T left, T right) => left < right ? left : right;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Round(T value) => T.Round(value, MidpointRounding.ToEven);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sqrt(T value) => T.Sqrt(value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Equals(T left, T right) => left == right ? AllBits : T.Zero;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T LessThan(T left, T right) => left < right ? AllBits : T.Zero;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T LessThanOrEqual(T left, T right) => left <= right ? AllBits : T.Zero;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T GreaterThan(T left, T right) => left > right ? AllBits : T.Zero;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Select(T mask, T whenTrue, T whenFalse) => Bits(mask) != 0 ? whenTrue : whenFalse;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T And(T left, T right) => FromBits(Bits(left) & Bits(right));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Or(T left, T right) => FromBits(Bits(left) | Bits(right));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T AndNot(T left, T right) => FromBits(Bits(left) & ~Bits(right));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Xor(T left, T right) => FromBits(Bits(left) ^ Bits(right));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Any(T mask) => Bits(mask) != 0;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T ShiftLeftInteger(T value, int count) => FromBits(Bits(value) << count);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T ShiftRightLogicalInteger(T value, int count) => typeof(T) == typeof(float)
        ? Unsafe.BitCast<uint, T>(Unsafe.BitCast<T, uint>(value) >> count)
        : Unsafe.BitCast<ulong, T>(Unsafe.BitCast<T, ulong>(value) >> count);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T AddInteger(T left, T right) => FromBits(Bits(left) + Bits(right));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T SubtractInteger(T left, T right) => FromBits(Bits(left) - Bits(right));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T CreateInteger(long value) => FromBits(value);

    /// <summary>The bits of the lane as a signed integer of its size, widened to 64 bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long Bits(T value) => typeof(T) == typeof(float) ? Unsafe.BitCast<T, int>(value) : Unsafe.BitCast<T, long>(value);

    /// <summary>The lane whose bits are the low bits of <paramref name="bits"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T FromBits(long bits) => typeof(T) == typeof(float) ? Unsafe.BitCast<int, T>((int)bits) : Unsafe.BitCast<long, T>(bits);
}
