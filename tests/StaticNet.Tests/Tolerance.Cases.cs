namespace StaticNet.Tests;

/// <summary>The tolerance of a declared network, by its precision.</summary>
public static partial class Tolerance
{
    /// <summary>The relative tolerance of the generated code against the double reference: 1e-4 in float, 1e-10 in double.</summary>
    public static double For(NetworkCase network) => For(network.IsDouble);
}
