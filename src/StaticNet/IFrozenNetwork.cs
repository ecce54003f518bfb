using System;
using System.Numerics;

namespace StaticNet;

/// <summary>
/// An inference-only snapshot of a dense network (<see cref="INetwork{T}.Freeze"/>): the parameters as they were when it
/// was made, copied once into the layout its forward pass reads fastest (the weights transposed into tiles of vectors of
/// outputs, so that each input is broadcast to a tile's fused multiply-adds with no horizontal sum). It never reads the
/// network again: writing the network's <see cref="INetwork{T}.Parameters"/> afterwards, training it or loading new
/// weights into it does not change the snapshot (freeze again for the new weights), so it can never be stale.
/// </summary>
/// <remarks>
/// Its outputs equal the network's <see cref="INetwork{T}.Forward"/> to rounding: the same products, added in another
/// order. It is immutable, so any number of threads may call it at once. Lengths and aliasing are checked as the
/// network's methods check them.
/// </remarks>
/// <typeparam name="T">The scalar type the network computes in.</typeparam>
public interface IFrozenNetwork<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Computes the output of the snapshot for one sample.</summary>
    /// <param name="input">One sample, of the network's input size.</param>
    /// <param name="output">Receives the output, of the network's output size.</param>
    void Forward(ReadOnlySpan<T> input, Span<T> output);

    /// <summary>
    /// Computes the outputs of several samples stored row by row, each to the bit what <see cref="Forward"/> gives it; the
    /// samples share each load of the packed weights.
    /// </summary>
    /// <param name="inputs">The samples, one after another; the length must be a multiple of the input size.</param>
    /// <param name="outputs">Receives the outputs, one after another; the length must be the sample count times the output size.</param>
    void ForwardBatch(ReadOnlySpan<T> inputs, Span<T> outputs);
}
