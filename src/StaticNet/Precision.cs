// This file is compiled into the runtime library and, linked, into the generator (there into StaticNet.Generator.Shared,
// so that a project that sees both assemblies has no two types of one name). Keep it netstandard2.0-compatible.
#if STATICNET_GENERATOR
namespace StaticNet.Generator.Shared
#else
namespace StaticNet
#endif
{
    /// <summary>The scalar type a generated network computes and stores its parameters in.</summary>
    /// <remarks>The numeric values are part of the contract between the runtime library and the generator: do not renumber.</remarks>
    public enum Precision
    {
        /// <summary>32-bit <see cref="float"/>: spans of <see cref="float"/>, <c>Vector&lt;float&gt;</c> kernels. The default.</summary>
        Single = 0,

        /// <summary>64-bit <see cref="double"/>: spans of <see cref="double"/>, <c>Vector&lt;double&gt;</c> kernels.</summary>
        Double = 1,
    }
}
