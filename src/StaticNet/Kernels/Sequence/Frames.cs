using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace StaticNet.Kernels;

/// <summary>
/// Element-wise passes over the frames of a sequence (a count known only at run time), at the widest accelerated vector:
/// a layer's activation and its gradient over all its outputs at once.
/// </summary>
/// <typeparam name="T">The scalar type.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
[SkipLocalsInit]
public static class Frames<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary><c>d[i] = dLoss/dz[i]</c> from <c>d[i] = dLoss/da[i]</c>, through <typeparamref name="TActivation"/>, for <paramref name="count"/> values.</summary>
    /// <typeparam name="TActivation">The activation.</typeparam>
    /// <param name="d">dLoss/da, replaced by dLoss/dz.</param>
    /// <param name="z">The pre-activations where the activation's gradient reads them, else a null reference.</param>
    /// <param name="a">The activations.</param>
    /// <param name="count">The number of values.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Gradient<TActivation>(ref T d, ref T z, ref T a, nuint count)
        where TActivation : IActivation
    {
        if (typeof(TActivation) == typeof(Activations.Identity))
        {
            return;
        }

        if (Vector512.IsHardwareAccelerated)
        {
            Gradient<TActivation, Simd512<T>, Vector512<T>>(ref d, ref z, ref a, count);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Gradient<TActivation, Simd256<T>, Vector256<T>>(ref d, ref z, ref a, count);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            Gradient<TActivation, Simd128<T>, Vector128<T>>(ref d, ref z, ref a, count);
        }
        else
        {
            Gradient<TActivation, Simd1<T>, T>(ref d, ref z, ref a, count);
        }
    }

    /// <summary>Sets <paramref name="count"/> values to zero.</summary>
    /// <param name="x">The first value.</param>
    /// <param name="count">The number of values.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Clear(ref T x, nuint count) => MemoryMarshal.CreateSpan(ref x, checked((int)count)).Clear();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Gradient<TActivation, TSimd, TVector>(ref T d, ref T z, ref T a, nuint count)
        where TActivation : IActivation
        where TSimd : ISimd<T, TVector>
        where TVector : struct
    {
        bool hasZ = !Unsafe.IsNullRef(ref z);
        nuint lanes = (nuint)TSimd.Count;
        nuint i = 0;
        for (nuint whole = count / lanes * lanes; i < whole; i += lanes)
        {
            TVector pre = hasZ ? TSimd.Load(ref z, i) : TSimd.Zero;
            TSimd.Store(TActivation.Gradient<T, TSimd, TVector>(TSimd.Load(ref d, i), pre, TSimd.Load(ref a, i)), ref d, i);
        }

        int rest = (int)(count - i);
        if (rest != 0)
        {
            TVector pre = hasZ ? Lanes<T, TSimd, TVector>.LoadFirst(ref z, i, rest) : TSimd.Zero;
            TVector g = TActivation.Gradient<T, TSimd, TVector>(Lanes<T, TSimd, TVector>.LoadFirst(ref d, i, rest), pre, Lanes<T, TSimd, TVector>.LoadFirst(ref a, i, rest));
            Lanes<T, TSimd, TVector>.StoreFirst(g, ref d, i, rest);
        }
    }
}
