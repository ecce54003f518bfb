using System.ComponentModel;

namespace StaticNet.Kernels;

/// <summary>
/// The sizes of one layer, per sample (or per frame in a sequence network), as static members of a struct: the generated
/// code declares one such struct per layer, and the JIT, compiling the kernels once per struct, sees the sizes as
/// constants. A dense layer's weights are <c>[Out][In]</c>; a recurrent layer's <c>Out</c> is its hidden size.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface ILayerShape
{
    /// <summary>The number of inputs (of a dense layer: the width of a weight row).</summary>
    static abstract int In { get; }

    /// <summary>The number of outputs (of a dense layer: its weight rows).</summary>
    static abstract int Out { get; }
}
