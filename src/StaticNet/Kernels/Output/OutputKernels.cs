using System.Numerics;
using System.Runtime.CompilerServices;

namespace StaticNet.Kernels;

/// <summary>
/// The kernels of a network's output row of <c>n = TShape.Out</c> values: softmax, and each loss with its gradient with
/// respect to the output layer's pre-activation. Whole vectors, then the values past the last whole vector as the first
/// lanes of one more (read and written through a buffer, never past the row), masked out of every sum.
/// </summary>
/// <typeparam name="T">The scalar type.</typeparam>
/// <typeparam name="TSimd">The vector width.</typeparam>
/// <typeparam name="TVector">The vector type of the width.</typeparam>
[SkipLocalsInit]
internal static class OutputKernels<T, TSimd, TVector>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
    where TSimd : ISimd<T, TVector>
    where TVector : struct
{
    /// <summary>Softmax over <paramref name="y"/> in place; the maximum is subtracted first, so that exp never overflows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Softmax<TShape>(ref T y)
        where TShape : ILayerShape
    {
        nuint n = (nuint)TShape.Out;
        nuint lanes = (nuint)TSimd.Count;
        int rest = TShape.Out % TSimd.Count;
        nuint whole = n - (nuint)rest;
        TVector mask = TSimd.FirstLanes(rest);
        TVector lowest = TSimd.Create(T.NegativeInfinity);
        TVector max = lowest;
        for (nuint i = 0; i < whole; i += lanes)
        {
            max = TSimd.Max(max, TSimd.Load(ref y, i));
        }

        if (rest != 0)
        {
            max = TSimd.Max(max, TSimd.Select(mask, Lanes<T, TSimd, TVector>.LoadFirst(ref y, whole, rest), lowest));
        }

        TVector shift = TSimd.Create(TSimd.MaxAcross(max));
        TVector sums = TSimd.Zero;
        for (nuint i = 0; i < whole; i += lanes)
        {
            TVector e = SoftmaxExp(TSimd.Subtract(TSimd.Load(ref y, i), shift));
            TSimd.Store(e, ref y, i);
            sums = TSimd.Add(sums, e);
        }

        if (rest != 0)
        {
            TVector e = SoftmaxExp(TSimd.Subtract(Lanes<T, TSimd, TVector>.LoadFirst(ref y, whole, rest), shift));
            Lanes<T, TSimd, TVector>.StoreFirst(e, ref y, whole, rest);
            sums = TSimd.Add(sums, TSimd.And(e, mask));
        }

        TVector sum = TSimd.Create(TSimd.Sum(sums));
        for (nuint i = 0; i < whole; i += lanes)
        {
            TSimd.Store(TSimd.Divide(TSimd.Load(ref y, i), sum), ref y, i);
        }

        if (rest != 0)
        {
            Lanes<T, TSimd, TVector>.StoreFirst(TSimd.Divide(Lanes<T, TSimd, TVector>.LoadFirst(ref y, whole, rest), sum), ref y, whole, rest);
        }
    }

    /// <summary>
    /// e^x for the softmax, inlined at 128 bits and wider: the softmax is a method of its own (<c>Output.Softmax</c>) with
    /// two such sites, and the exponentials wait for the maximum, so a call on the chain would pass each vector through
    /// memory both ways. The scalar form keeps the call.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector SoftmaxExp(TVector x) =>
        typeof(TSimd) != typeof(Simd1<T>) ? VectorMath<T, TSimd, TVector>.ExpInline(x) : VectorMath<T, TSimd, TVector>.Exp(x);

    /// <summary>
    /// Mean squared error <c>Σ (y - t)² / n</c>; writes <c>scale · 2 (y - t) / n</c> through the output activation's
    /// gradient into <paramref name="dz"/> (<paramref name="z"/>: the pre-activation where that gradient reads it, else a null
    /// reference).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T MeanSquaredError<TShape, TActivation>(ref T y, ref T z, ref T t, ref T dz, T scale)
        where TShape : ILayerShape
        where TActivation : IActivation
    {
        nuint n = (nuint)TShape.Out;
        nuint lanes = (nuint)TSimd.Count;
        int rest = TShape.Out % TSimd.Count;
        nuint whole = n - (nuint)rest;
        TVector factor = TSimd.Create(scale * T.CreateTruncating(2) / T.CreateTruncating(TShape.Out));
        TVector squares = TSimd.Zero;
        for (nuint i = 0; i < whole; i += lanes)
        {
            TVector a = TSimd.Load(ref y, i);
            TVector error = TSimd.Subtract(a, TSimd.Load(ref t, i));
            squares = TSimd.MultiplyAdd(error, error, squares);
            TVector pre = Unsafe.IsNullRef(ref z) ? TSimd.Zero : TSimd.Load(ref z, i);
            TSimd.Store(TActivation.Gradient<T, TSimd, TVector>(TSimd.Multiply(factor, error), pre, a), ref dz, i);
        }

        if (rest != 0)
        {
            TVector a = Lanes<T, TSimd, TVector>.LoadFirst(ref y, whole, rest);
            TVector error = TSimd.Subtract(a, Lanes<T, TSimd, TVector>.LoadFirst(ref t, whole, rest));
            squares = TSimd.MultiplyAdd(error, error, squares);
            TVector pre = Unsafe.IsNullRef(ref z) ? TSimd.Zero : Lanes<T, TSimd, TVector>.LoadFirst(ref z, whole, rest);
            Lanes<T, TSimd, TVector>.StoreFirst(TActivation.Gradient<T, TSimd, TVector>(TSimd.Multiply(factor, error), pre, a), ref dz, whole, rest);
        }

        return TSimd.Sum(squares) / T.CreateTruncating(TShape.Out);
    }

    /// <summary>
    /// Mean squared error over a softmax output: the loss as <see cref="MeanSquaredError"/>, and through softmax without
    /// forming its Jacobian: <c>dz_j = y_j (g_j - Σ_k g_k y_k)</c> with <c>g = scale · 2 (y - t) / n</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T SoftmaxMeanSquaredError<TShape>(ref T y, ref T t, ref T dz, T scale)
        where TShape : ILayerShape
    {
        T loss = MeanSquaredError<TShape, Activations.Identity>(ref y, ref Unsafe.NullRef<T>(), ref t, ref dz, scale);
        nuint n = (nuint)TShape.Out;
        nuint lanes = (nuint)TSimd.Count;
        int rest = TShape.Out % TSimd.Count;
        nuint whole = n - (nuint)rest;
        TVector dots = TSimd.Zero;
        for (nuint i = 0; i < whole; i += lanes)
        {
            dots = TSimd.MultiplyAdd(TSimd.Load(ref dz, i), TSimd.Load(ref y, i), dots);
        }

        if (rest != 0)
        {
            dots = TSimd.MultiplyAdd(Lanes<T, TSimd, TVector>.LoadFirst(ref dz, whole, rest), Lanes<T, TSimd, TVector>.LoadFirst(ref y, whole, rest), dots);
        }

        TVector dot = TSimd.Create(TSimd.Sum(dots));
        for (nuint i = 0; i < whole; i += lanes)
        {
            TSimd.Store(TSimd.Multiply(TSimd.Load(ref y, i), TSimd.Subtract(TSimd.Load(ref dz, i), dot)), ref dz, i);
        }

        if (rest != 0)
        {
            TVector g = Lanes<T, TSimd, TVector>.LoadFirst(ref dz, whole, rest);
            TVector a = Lanes<T, TSimd, TVector>.LoadFirst(ref y, whole, rest);
            Lanes<T, TSimd, TVector>.StoreFirst(TSimd.Multiply(a, TSimd.Subtract(g, dot)), ref dz, whole, rest);
        }

        return loss;
    }

    /// <summary>
    /// Cross-entropy over a softmax output, fused: the loss <c>-Σ t log p</c> with <c>p</c> clamped to [1e-7, 1 - 1e-7], and
    /// <c>dz = scale · (p Σt - t)</c> (<c>p - t</c> for a target that sums to one), never the softmax Jacobian.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T SoftmaxCrossEntropy<TShape>(ref T y, ref T t, ref T dz, T scale)
        where TShape : ILayerShape
    {
        nuint n = (nuint)TShape.Out;
        nuint lanes = (nuint)TSimd.Count;
        int rest = TShape.Out % TSimd.Count;
        nuint whole = n - (nuint)rest;
        TVector losses = TSimd.Zero;
        TVector targets = TSimd.Zero;
        for (nuint i = 0; i < whole; i += lanes)
        {
            TVector target = TSimd.Load(ref t, i);
            targets = TSimd.Add(targets, target);
            losses = TSimd.MultiplyAdd(target, VectorMath<T, TSimd, TVector>.Log(Clamp(TSimd.Load(ref y, i))), losses);
        }

        if (rest != 0)
        {
            TVector target = Lanes<T, TSimd, TVector>.LoadFirst(ref t, whole, rest);
            targets = TSimd.Add(targets, target);
            TVector terms = TSimd.Multiply(target, VectorMath<T, TSimd, TVector>.Log(Clamp(Lanes<T, TSimd, TVector>.LoadFirst(ref y, whole, rest))));
            losses = TSimd.Add(losses, TSimd.And(terms, TSimd.FirstLanes(rest)));
        }

        TVector targetSum = TSimd.Create(TSimd.Sum(targets));
        TVector factor = TSimd.Create(scale);
        for (nuint i = 0; i < whole; i += lanes)
        {
            TVector gradient = TSimd.Subtract(TSimd.Multiply(TSimd.Load(ref y, i), targetSum), TSimd.Load(ref t, i));
            TSimd.Store(TSimd.Multiply(factor, gradient), ref dz, i);
        }

        if (rest != 0)
        {
            TVector gradient = TSimd.Subtract(TSimd.Multiply(Lanes<T, TSimd, TVector>.LoadFirst(ref y, whole, rest), targetSum), Lanes<T, TSimd, TVector>.LoadFirst(ref t, whole, rest));
            Lanes<T, TSimd, TVector>.StoreFirst(TSimd.Multiply(factor, gradient), ref dz, whole, rest);
        }

        return -TSimd.Sum(losses);
    }

    /// <summary>
    /// Binary cross-entropy over a sigmoid output, fused: <c>-mean(t log p + (1 - t) log(1 - p))</c> with <c>p</c> and
    /// <c>1 - p</c> each clamped to [1e-7, 1 - 1e-7] (1 - 1e-7 has no exact float, so clamping p alone would bound 1 - p by
    /// 1.19e-7 in float), and <c>dz = scale · (p - t) / n</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T SigmoidBinaryCrossEntropy<TShape>(ref T y, ref T t, ref T dz, T scale)
        where TShape : ILayerShape
    {
        nuint n = (nuint)TShape.Out;
        nuint lanes = (nuint)TSimd.Count;
        int rest = TShape.Out % TSimd.Count;
        nuint whole = n - (nuint)rest;
        TVector factor = TSimd.Create(scale / T.CreateTruncating(TShape.Out));
        TVector losses = TSimd.Zero;
        for (nuint i = 0; i < whole; i += lanes)
        {
            TVector p = TSimd.Load(ref y, i);
            TVector target = TSimd.Load(ref t, i);
            losses = TSimd.Add(losses, BinaryTerms(p, target));
            TSimd.Store(TSimd.Multiply(factor, TSimd.Subtract(p, target)), ref dz, i);
        }

        if (rest != 0)
        {
            TVector p = Lanes<T, TSimd, TVector>.LoadFirst(ref y, whole, rest);
            TVector target = Lanes<T, TSimd, TVector>.LoadFirst(ref t, whole, rest);
            losses = TSimd.Add(losses, TSimd.And(BinaryTerms(p, target), TSimd.FirstLanes(rest)));
            Lanes<T, TSimd, TVector>.StoreFirst(TSimd.Multiply(factor, TSimd.Subtract(p, target)), ref dz, whole, rest);
        }

        return -TSimd.Sum(losses) / T.CreateTruncating(TShape.Out);
    }

    /// <summary><c>t log p + (1 - t) log(1 - p)</c>, each probability clamped.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector BinaryTerms(TVector p, TVector target)
    {
        TVector one = TSimd.Create(T.One);
        TVector logP = VectorMath<T, TSimd, TVector>.Log(Clamp(p));
        TVector logComplement = VectorMath<T, TSimd, TVector>.Log(Clamp(TSimd.Subtract(one, p)));
        return TSimd.MultiplyAdd(target, logP, TSimd.Multiply(TSimd.Subtract(one, target), logComplement));
    }

    /// <summary>Clamps to [1e-7, 1 - 1e-7] by comparisons, so that NaN passes through (as <c>Math.Clamp</c> lets it).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector Clamp(TVector value)
    {
        TVector low = TSimd.Create(T.CreateTruncating(1e-7));
        TVector high = TSimd.Create(T.One - T.CreateTruncating(1e-7));
        return TSimd.Select(TSimd.LessThan(value, low), low, TSimd.Select(TSimd.GreaterThan(value, high), high, value));
    }
}
