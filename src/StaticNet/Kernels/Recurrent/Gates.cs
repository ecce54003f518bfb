using System.Numerics;
using System.Runtime.CompilerServices;

namespace StaticNet.Kernels;

/// <summary>
/// The activations of a recurrent cell's gates. A cell's gates wait for each other (GRU: r before n; LSTM: c before
/// tanh c), so the latency of each activation is on the step's dependency chain: at 128 bits and wider the activation is
/// inlined (no call that passes the vector through memory both ways; a cell is one loop body with a few such sites,
/// which leaves the JIT room to inline them). The scalar form keeps the call: inlined five times into an LSTM's
/// sequence loop it would use up the JIT's inlining budget and leave other operations as calls.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <typeparam name="TSimd">The vector width.</typeparam>
/// <typeparam name="TVector">The vector type of the width.</typeparam>
internal static class Gates<T, TSimd, TVector>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
    where TSimd : ISimd<T, TVector>
    where TVector : struct
{
    /// <summary>σ(x), lane by lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Sigmoid(TVector x) =>
        TSimd.Count > 1 ? VectorMath<T, TSimd, TVector>.SigmoidInline(x) : VectorMath<T, TSimd, TVector>.Sigmoid(x);

    /// <summary>tanh x, lane by lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Tanh(TVector x) =>
        TSimd.Count > 1 ? VectorMath<T, TSimd, TVector>.TanhInline(x) : VectorMath<T, TSimd, TVector>.Tanh(x);
}
