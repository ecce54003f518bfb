using System.ComponentModel;

namespace StaticNet.Kernels;

/// <summary>
/// The sizes of one dense layer as static members of a struct: the generated code declares one such struct per layer, and
/// the JIT, compiling the kernels once per struct, sees the sizes as constants.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IDenseShape
{
    /// <summary>The number of inputs (the width of a weight row).</summary>
    static abstract int In { get; }

    /// <summary>The number of outputs (weight rows).</summary>
    static abstract int Out { get; }
}
