using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using StaticNet.Kernels;

namespace StaticNet.Training;

/// <summary>
/// An optimizer's update of one vector of parameters (or one parameter): reads the parameters, their gradients and up
/// to two state values at <c>offset</c>, and writes the parameters and the state back. Written once over the width
/// (<see cref="ISimd{T, TVector}"/>): <see cref="ElementWise"/> runs it at the widest accelerated vector and one lane for
/// the tail, so every element goes through the same operations.
/// </summary>
/// <typeparam name="T">The scalar type.</typeparam>
internal interface IElementUpdate<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>Updates the values at <paramref name="offset"/>.</summary>
    /// <typeparam name="TSimd">The width.</typeparam>
    /// <typeparam name="TVector">The vector type of the width.</typeparam>
    /// <param name="parameters">The parameters.</param>
    /// <param name="gradients">The gradients.</param>
    /// <param name="first">The first state (momentum, first moment), or a null reference where the rule has none.</param>
    /// <param name="second">The second state (second moment), or a null reference where the rule has none.</param>
    /// <param name="offset">The index of the first value.</param>
    void Apply<TSimd, TVector>(ref T parameters, ref T gradients, ref T first, ref T second, nuint offset)
        where TSimd : ISimd<T, TVector>
        where TVector : struct;
}

/// <summary>
/// Runs an optimizer's <see cref="IElementUpdate{T}"/> over all its parameters in one pass, compiled fully optimised at
/// the first call: TensorPrimitives' loops, one pass per operation, went through the JIT's tiers like any method and
/// stayed at the instrumented tier for seconds of training where one core ran it (docs/benchmarks.md); Adam made 11
/// passes over its arrays.
/// </summary>
internal static class ElementWise
{
    /// <summary>
    /// Applies the rule for the scalar type: float and double directly, any other type
    /// (<see cref="Half"/>, ...) through double, value by value.
    /// </summary>
    /// <typeparam name="T">The optimizer's scalar type.</typeparam>
    /// <typeparam name="TFloat">The rule for float.</typeparam>
    /// <typeparam name="TDouble">The rule for double.</typeparam>
    /// <param name="forFloat">The rule for float.</param>
    /// <param name="forDouble">The rule for double (also for other scalar types).</param>
    /// <param name="parameters">The parameters.</param>
    /// <param name="gradients">The gradients, as many.</param>
    /// <param name="first">The first state, as many values, or empty.</param>
    /// <param name="second">The second state, as many values, or empty.</param>
    public static void Run<T, TFloat, TDouble>(in TFloat forFloat, in TDouble forDouble, Span<T> parameters, ReadOnlySpan<T> gradients, Span<T> first, Span<T> second)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TFloat : struct, IElementUpdate<float>
        where TDouble : struct, IElementUpdate<double>
    {
        if (typeof(T) == typeof(float))
        {
            Run<float, TFloat>(forFloat, MemoryMarshal.Cast<T, float>(parameters), MemoryMarshal.Cast<T, float>(gradients), MemoryMarshal.Cast<T, float>(first), MemoryMarshal.Cast<T, float>(second));
        }
        else if (typeof(T) == typeof(double))
        {
            Run<double, TDouble>(forDouble, MemoryMarshal.Cast<T, double>(parameters), MemoryMarshal.Cast<T, double>(gradients), MemoryMarshal.Cast<T, double>(first), MemoryMarshal.Cast<T, double>(second));
        }
        else
        {
            ThroughDouble(forDouble, parameters, gradients, first, second);
        }
    }

    /// <summary>Applies <paramref name="rule"/> to every value, at the widest accelerated vector.</summary>
    /// <typeparam name="T">The scalar type.</typeparam>
    /// <typeparam name="TRule">The rule.</typeparam>
    /// <param name="rule">The rule.</param>
    /// <param name="parameters">The parameters.</param>
    /// <param name="gradients">The gradients, as many.</param>
    /// <param name="first">The first state, as many values, or empty.</param>
    /// <param name="second">The second state, as many values, or empty.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<T, TRule>(in TRule rule, Span<T> parameters, ReadOnlySpan<T> gradients, Span<T> first, Span<T> second)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TRule : struct, IElementUpdate<T>
    {
        ref T p = ref MemoryMarshal.GetReference(parameters);
        ref T g = ref MemoryMarshal.GetReference(gradients);
        ref T s = ref first.IsEmpty ? ref Unsafe.NullRef<T>() : ref MemoryMarshal.GetReference(first);
        ref T t = ref second.IsEmpty ? ref Unsafe.NullRef<T>() : ref MemoryMarshal.GetReference(second);
        nuint count = (nuint)parameters.Length;
        if (Vector512.IsHardwareAccelerated)
        {
            Run<T, TRule, Simd512<T>, Vector512<T>>(rule, ref p, ref g, ref s, ref t, count);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Run<T, TRule, Simd256<T>, Vector256<T>>(rule, ref p, ref g, ref s, ref t, count);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            Run<T, TRule, Simd128<T>, Vector128<T>>(rule, ref p, ref g, ref s, ref t, count);
        }
        else
        {
            Run<T, TRule, Simd1<T>, T>(rule, ref p, ref g, ref s, ref t, count);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Run<T, TRule, TSimd, TVector>(in TRule rule, ref T p, ref T g, ref T s, ref T t, nuint count)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TRule : struct, IElementUpdate<T>
        where TSimd : ISimd<T, TVector>
        where TVector : struct
    {
        nuint lanes = (nuint)TSimd.Count;
        nuint i = 0;
        for (nuint whole = count / lanes * lanes; i < whole; i += lanes)
        {
            rule.Apply<TSimd, TVector>(ref p, ref g, ref s, ref t, i);
        }

        for (; i < count; i++)
        {
            rule.Apply<Simd1<T>, T>(ref p, ref g, ref s, ref t, i);
        }
    }

    private static void ThroughDouble<T, TRule>(in TRule rule, Span<T> parameters, ReadOnlySpan<T> gradients, Span<T> first, Span<T> second)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TRule : struct, IElementUpdate<double>
    {
        for (int i = 0; i < parameters.Length; i++)
        {
            double p = double.CreateTruncating(parameters[i]), g = double.CreateTruncating(gradients[i]);
            double s = first.IsEmpty ? 0 : double.CreateTruncating(first[i]), t = second.IsEmpty ? 0 : double.CreateTruncating(second[i]);
            rule.Apply<Simd1<double>, double>(ref p, ref g, ref first.IsEmpty ? ref Unsafe.NullRef<double>() : ref s, ref second.IsEmpty ? ref Unsafe.NullRef<double>() : ref t, 0);
            parameters[i] = T.CreateTruncating(p);
            if (!first.IsEmpty)
            {
                first[i] = T.CreateTruncating(s);
            }

            if (!second.IsEmpty)
            {
                second[i] = T.CreateTruncating(t);
            }
        }
    }
}
