using System;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using StaticNet.Kernels;

namespace StaticNet.Tests.Kernels;

/// <summary>A function of <see cref="VectorMath{T, TSimd, TVector}"/> as a type argument, so that one driver runs it at every width.</summary>
internal interface IVectorFunction
{
    static abstract TVector Apply<T, TSimd, TVector>(TVector x)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSimd : ISimd<T, TVector>
        where TVector : struct;
}

/// <summary>
/// Runs element-wise kernels over arrays at each of the four widths: 1 (<see cref="Simd1{T}"/>, the scalar form), 128,
/// 256 and 512 bits. Simd256 and Simd512 run on any machine (emulated by halves where the hardware is narrower), so every
/// width is checked in every run. The arrays' length must be a multiple of 16 (the lanes of the widest vector in float).
/// </summary>
internal static class Widths
{
    /// <summary>The widths in bits (1 stands for one lane).</summary>
    public static readonly int[] All = [1, 128, 256, 512];

    public static void Map<TFunction, T>(T[] x, T[] y, int width)
        where TFunction : IVectorFunction
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        switch (width)
        {
            case 1: Map<TFunction, T, Simd1<T>, T>(x, y); break;
            case 128: Map<TFunction, T, Simd128<T>, Vector128<T>>(x, y); break;
            case 256: Map<TFunction, T, Simd256<T>, Vector256<T>>(x, y); break;
            case 512: Map<TFunction, T, Simd512<T>, Vector512<T>>(x, y); break;
            default: throw new ArgumentOutOfRangeException(nameof(width));
        }
    }

    public static void Apply<TActivation, T>(T[] z, T[] a, int width)
        where TActivation : IActivation
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        switch (width)
        {
            case 1: Apply<TActivation, T, Simd1<T>, T>(z, a); break;
            case 128: Apply<TActivation, T, Simd128<T>, Vector128<T>>(z, a); break;
            case 256: Apply<TActivation, T, Simd256<T>, Vector256<T>>(z, a); break;
            case 512: Apply<TActivation, T, Simd512<T>, Vector512<T>>(z, a); break;
            default: throw new ArgumentOutOfRangeException(nameof(width));
        }
    }

    public static void Gradient<TActivation, T>(T[] g, T[] z, T[] a, T[] result, int width)
        where TActivation : IActivation
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        switch (width)
        {
            case 1: Gradient<TActivation, T, Simd1<T>, T>(g, z, a, result); break;
            case 128: Gradient<TActivation, T, Simd128<T>, Vector128<T>>(g, z, a, result); break;
            case 256: Gradient<TActivation, T, Simd256<T>, Vector256<T>>(g, z, a, result); break;
            case 512: Gradient<TActivation, T, Simd512<T>, Vector512<T>>(g, z, a, result); break;
            default: throw new ArgumentOutOfRangeException(nameof(width));
        }
    }

    private static void Map<TFunction, T, TSimd, TVector>(T[] x, T[] y)
        where TFunction : IVectorFunction
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSimd : ISimd<T, TVector>
        where TVector : struct
    {
        CheckLengths(x.Length, y.Length);
        ref T source = ref MemoryMarshal.GetArrayDataReference(x);
        ref T destination = ref MemoryMarshal.GetArrayDataReference(y);
        for (int i = 0; i < x.Length; i += TSimd.Count)
        {
            TSimd.Store(TFunction.Apply<T, TSimd, TVector>(TSimd.Load(ref source, (nuint)i)), ref destination, (nuint)i);
        }
    }

    private static void Apply<TActivation, T, TSimd, TVector>(T[] z, T[] a)
        where TActivation : IActivation
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSimd : ISimd<T, TVector>
        where TVector : struct
    {
        CheckLengths(z.Length, a.Length);
        ref T source = ref MemoryMarshal.GetArrayDataReference(z);
        ref T destination = ref MemoryMarshal.GetArrayDataReference(a);
        for (int i = 0; i < z.Length; i += TSimd.Count)
        {
            TSimd.Store(TActivation.Apply<T, TSimd, TVector>(TSimd.Load(ref source, (nuint)i)), ref destination, (nuint)i);
        }
    }

    private static void Gradient<TActivation, T, TSimd, TVector>(T[] g, T[] z, T[] a, T[] result)
        where TActivation : IActivation
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSimd : ISimd<T, TVector>
        where TVector : struct
    {
        CheckLengths(g.Length, result.Length);
        CheckLengths(z.Length, result.Length);
        CheckLengths(a.Length, result.Length);
        ref T gradient = ref MemoryMarshal.GetArrayDataReference(g);
        ref T pre = ref MemoryMarshal.GetArrayDataReference(z);
        ref T post = ref MemoryMarshal.GetArrayDataReference(a);
        ref T destination = ref MemoryMarshal.GetArrayDataReference(result);
        for (int i = 0; i < result.Length; i += TSimd.Count)
        {
            TVector value = TActivation.Gradient<T, TSimd, TVector>(
                TSimd.Load(ref gradient, (nuint)i), TSimd.Load(ref pre, (nuint)i), TSimd.Load(ref post, (nuint)i));
            TSimd.Store(value, ref destination, (nuint)i);
        }
    }

    private static void CheckLengths(int source, int destination)
    {
        if (source != destination || source % 16 != 0)
        {
            throw new ArgumentException($"Lengths {source} and {destination}: they must be equal and a multiple of 16.");
        }
    }
}
