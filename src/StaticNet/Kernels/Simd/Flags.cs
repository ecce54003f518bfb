using System.ComponentModel;

namespace StaticNet.Kernels;

/// <summary>
/// A compile-time flag: a struct whose static member the JIT sees as a constant in every method it is a type argument of.
/// The kernels that are methods of their own (not inlined into their caller) take their flags this way, so that each
/// variant (the last tile of a row, the training step's update) is its own specialisation with the other branch removed.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IFlag
{
    /// <summary>The flag's value.</summary>
    static abstract bool Value { get; }
}

/// <summary>The flag that is set.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct Yes : IFlag
{
    /// <inheritdoc/>
    public static bool Value => true;
}

/// <summary>The flag that is not set.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct No : IFlag
{
    /// <inheritdoc/>
    public static bool Value => false;
}
