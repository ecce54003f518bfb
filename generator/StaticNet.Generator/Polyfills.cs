// Members the C# compiler needs for records and init accessors, missing from netstandard2.0.
namespace System.Runtime.CompilerServices
{
    internal static class IsExternalInit
    {
    }
}
