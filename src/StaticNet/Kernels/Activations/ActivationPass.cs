using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace StaticNet.Kernels;

/// <summary>
/// An activation applied over a row of pre-activations in place, at the widest vector the row fills: what a layer too
/// narrow for vectors in its inner products (a couple of inputs) uses, so that its activation still runs a vector at a
/// time instead of one scalar polynomial per output.
/// </summary>
/// <typeparam name="T">The scalar type.</typeparam>
[SkipLocalsInit]
internal static class ActivationPass<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>
    /// <c>y[i] = f(y[i])</c> for the <c>TShape.Out</c> values of <paramref name="y"/>; the pre-activations go to
    /// <paramref name="z"/> first unless it is a null reference.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Apply<TShape, TActivation>(ref T y, ref T z)
        where TShape : ILayerShape
        where TActivation : IActivation
    {
        if (Vector512.IsHardwareAccelerated && TShape.Out >= Vector512<T>.Count)
        {
            Vectors<TShape, TActivation, Simd512<T>, Vector512<T>>(ref y, ref z);
        }
        else if (Vector256.IsHardwareAccelerated && TShape.Out >= Vector256<T>.Count)
        {
            Vectors<TShape, TActivation, Simd256<T>, Vector256<T>>(ref y, ref z);
        }
        else if (Vector128.IsHardwareAccelerated && TShape.Out >= Vector128<T>.Count)
        {
            Vectors<TShape, TActivation, Simd128<T>, Vector128<T>>(ref y, ref z);
        }
        else
        {
            Apply<TShape, TActivation, Simd1<T>, T>(ref y, ref z);
        }
    }

    /// <summary>
    /// The pass at a vector width: a row of at most two vectors (a narrow layer on a small network's dependency chain)
    /// takes the activation's inlined form (<see cref="Inlined{TActivation}"/>, the same values without a call).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Vectors<TShape, TActivation, TSimd, TVector>(ref T y, ref T z)
        where TShape : ILayerShape
        where TActivation : IActivation
        where TSimd : ISimd<T, TVector>
        where TVector : struct
    {
        if (TShape.Out <= 2 * TSimd.Count)
        {
            Apply<TShape, Inlined<TActivation>, TSimd, TVector>(ref y, ref z);
        }
        else
        {
            Apply<TShape, TActivation, TSimd, TVector>(ref y, ref z);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Apply<TShape, TActivation, TSimd, TVector>(ref T y, ref T z)
        where TShape : ILayerShape
        where TActivation : IActivation
        where TSimd : ISimd<T, TVector>
        where TVector : struct
    {
        nuint n = (nuint)TShape.Out;
        nuint lanes = (nuint)TSimd.Count;
        nuint i = 0;
        for (nuint whole = n / lanes * lanes; i < whole; i += lanes)
        {
            TVector pre = TSimd.Load(ref y, i);
            if (!Unsafe.IsNullRef(ref z))
            {
                TSimd.Store(pre, ref z, i);
            }

            TSimd.Store(TActivation.Apply<T, TSimd, TVector>(pre), ref y, i);
        }

        int rest = TShape.Out % TSimd.Count;
        if (rest != 0)
        {
            TVector pre = Lanes<T, TSimd, TVector>.LoadFirst(ref y, i, rest);
            if (!Unsafe.IsNullRef(ref z))
            {
                Lanes<T, TSimd, TVector>.StoreFirst(pre, ref z, i, rest);
            }

            Lanes<T, TSimd, TVector>.StoreFirst(TActivation.Apply<T, TSimd, TVector>(pre), ref y, i, rest);
        }
    }
}
