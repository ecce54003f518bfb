using System.Numerics;
using System.Runtime.CompilerServices;

namespace StaticNet.Kernels;

/// <summary>
/// The activations of a recurrent cell's gates. The gates wait for each other (GRU: r before n; LSTM: c before tanh c)
/// and the next step waits for the cell, so each activation's latency is on the step's dependency chain, and a call, which
/// passes the vector through memory both ways, adds to it: at 128 bits and wider the activation is inlined. An inlined
/// body costs the JIT's inlining budget of the caller, and once that is used up the JIT leaves the caller's ISimd
/// operations as calls, ten times slower; a cell is one loop body with a few such sites, which leaves room (checked on
/// the JIT's disassembly of the GRU and LSTM kernels, float and double, at 128 and 256 bits). The scalar form keeps the
/// call: five bodies in an LSTM's sequence loop use up the budget there. Every width computes the gate forms
/// (<c>VectorMath.SigmoidGate</c> and <c>TanhGate</c>: one exp or expm1 and one division each, no second branch to select
/// from), so that every width computes the same formula. A dense layer's activation keeps its own formula, and the call
/// except in a layer of at most two vectors of outputs, whose groups and tile inline it at two sites at most
/// (<c>DenseKernels.Forward</c>, <c>DensePackedKernels.Forward</c>).
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <typeparam name="TSimd">The vector width.</typeparam>
/// <typeparam name="TVector">The vector type of the width.</typeparam>
/// <remarks>
/// The width is told apart by comparing types, which the JIT folds as it reads the IL, so the branch not taken costs
/// nothing; each method calls <see cref="VectorMath{T, TSimd, TVector}"/> directly, since every level of wrapper counts
/// against the budget too.
/// </remarks>
internal static class Gates<T, TSimd, TVector>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
    where TSimd : ISimd<T, TVector>
    where TVector : struct
{
    /// <summary>σ(x), lane by lane.</summary>
    /// <param name="x">The gate's pre-activation.</param>
    /// <returns>The gate.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Sigmoid(TVector x) =>
        typeof(TSimd) != typeof(Simd1<T>) ? VectorMath<T, TSimd, TVector>.SigmoidGateInline(x) : VectorMath<T, TSimd, TVector>.SigmoidGate(x);

    /// <summary>tanh x, lane by lane.</summary>
    /// <param name="x">The pre-activation.</param>
    /// <returns>The activation.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Tanh(TVector x) =>
        typeof(TSimd) != typeof(Simd1<T>) ? VectorMath<T, TSimd, TVector>.TanhGateInline(x) : VectorMath<T, TSimd, TVector>.TanhGate(x);
}
