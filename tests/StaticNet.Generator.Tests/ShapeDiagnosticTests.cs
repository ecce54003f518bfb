using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace StaticNet.Generator.Tests;

/// <summary>
/// Declarations whose other members or base class the generated members cannot live with (issue 14, item 4): each is an
/// SNET error on the user's code, nothing is generated, and no compiler error lands in generated code.
/// </summary>
public sealed class ShapeDiagnosticTests
{
    [Theory]
    [InlineData("public partial record Net(string Name);", "(string Name)")]
    [InlineData("public partial class Net(int size) { private readonly int _size = size; }", "(int size)")]
    [InlineData("public sealed partial record class Net(int A, int B);", "(int A, int B)")]
    public void SNET0026_a_primary_constructor(string declaration, string squiggle) =>
        AssertShapeError(declaration, "SNET0026", squiggle, "remove the parameter list");

    [Fact]
    public void SNET0027_a_base_class_without_a_parameterless_constructor() =>
        AssertShapeError(
            "public class Base { public Base(string name) { } }\n[Network(Layers = [2, 3])]\npublic partial class Net : Base { public Net(string s) : base(s) { } }",
            "SNET0027", "Base", "no parameterless constructor", attribute: false);

    [Fact]
    public void SNET0027_a_base_class_whose_parameterless_constructor_is_private() =>
        AssertShapeError(
            "public class Base { private Base() { } public Base(int x) { } }\n[Network(Layers = [2, 3])]\npublic partial class Net : Base { public Net(string s) : base(1) { } }",
            "SNET0027", "Base", "no parameterless constructor", attribute: false);

    [Fact]
    public void SNET0027_a_network_that_derives_from_a_network() =>
        AssertShapeError(
            "[Network(Layers = [2, 3])]\npublic partial class Small;\n[Network(Layers = [2, 3])]\npublic partial class Net : Small;",
            "SNET0027", "Small", "another network", attribute: false, generatedFiles: 1);

    [Theory]
    [InlineData("protected Base() { }")]
    [InlineData("public Base(int scale = 1) { }")]
    [InlineData("internal Base() { }")]
    public void A_base_class_with_a_callable_parameterless_constructor_is_fine(string constructor)
    {
        GeneratorResult result = GeneratorHarness.Run($$"""
            using StaticNet;
            namespace Consumer;
            /// <summary>Base.</summary>
            public class Base { /// <summary>Creates it.</summary>
            {{constructor}} }
            /// <summary>Net.</summary>
            [Network(Layers = [2, 3])]
            public partial class Net : Base;
            """);
        Assert.Empty(result.AllDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning));
        Assert.Single(result.Sources);
    }

    [Theory]
    [InlineData("public required string Agent { get; init; }", "Agent")]
    [InlineData("public required int Count;", "Count")]
    public void SNET0028_a_required_member(string member, string squiggle) =>
        AssertShapeError($"public partial class Net {{ {member} }}", "SNET0028", squiggle, "remove the 'required' modifier");

    [Fact]
    public void SNET0028_a_required_member_of_the_base_class() =>
        AssertShapeError(
            "public class Base { public required string Agent { get; init; } }\n[Network(Layers = [2, 3])]\npublic partial class Net : Base;",
            "SNET0028", "Agent", "'Agent'", attribute: false);

    [Theory]
    [InlineData("public partial class Net { public float Forward(float[] x) => x[0]; }", "Forward", "'Forward'")]
    [InlineData("public partial class Net { public int[] Parameters = []; }", "Parameters", "'Parameters'")]
    [InlineData("public partial class Net { public const int InputSize = 3; }", "InputSize", "'InputSize'")]
    [InlineData("public partial class Net { public static Net Create(string name) => null!; }", "Create", "'Create'")]
    [InlineData("public partial class Net { public void Step() { } }", "Step", "'Step'")]
    [InlineData("public partial class Net { public Net() { } }", "Net", "a parameterless constructor")]
    [InlineData("public partial class Net { public Net(int size) { } }", "Net", "a constructor that takes one int")]
    public void SNET0029_a_member_the_generator_declares(string declaration, string squiggle, string found) =>
        AssertShapeError(declaration, "SNET0029", squiggle, found);

    [Fact]
    public void SNET0029_a_base_class_member_the_generated_one_would_hide() =>
        AssertShapeError(
            "public class Base { public void Forward() { } }\n[Network(Layers = [2, 3])]\npublic partial class Net : Base;",
            "SNET0029", "Base", "'Forward'", attribute: false);

    [Fact]
    public void Members_of_other_names_and_constructors_of_other_signatures_are_fine()
    {
        GeneratorResult result = GeneratorHarness.Run("""
            using StaticNet;
            namespace Consumer;
            /// <summary>Net.</summary>
            [Network(Layers = [2, 3])]
            public partial class Net
            {
                /// <summary>Creates it from a name.</summary>
                /// <param name="name">The name.</param>
                public Net(string name) : this(DefaultSeed) => Name = name;

                /// <summary>The name.</summary>
                public string Name { get; init; } = "";

                /// <summary>Acts.</summary>
                /// <returns>The first output.</returns>
                public float Act() { var y = new float[OutputSize]; Forward(new float[InputSize], y); return y[0]; }
            }
            """);
        Assert.Empty(result.AllDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning));
        Assert.Single(result.Sources);
    }

    /// <summary>
    /// One error of <paramref name="id"/> on <paramref name="squiggle"/> in the user's code, its message containing
    /// <paramref name="found"/>; no other warning or error; no code generated for Net (other networks keep theirs).
    /// </summary>
    private static void AssertShapeError(string declaration, string id, string squiggle, string found, bool attribute = true, int generatedFiles = 0)
    {
        GeneratorResult result = GeneratorHarness.Run($$"""
            using StaticNet;
            namespace Consumer;
            #pragma warning disable CS1591
            {{(attribute ? "[Network(Layers = [2, 3])]" : string.Empty)}}
            {{declaration}}
            """);
        Diagnostic diagnostic = Assert.Single(result.AllDiagnostics, d => d.Id == id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.True(diagnostic.Location.IsInSource);
        Assert.Equal(squiggle, diagnostic.Location.SourceTree!.GetText().ToString(diagnostic.Location.SourceSpan));
        Assert.Contains(found, diagnostic.GetMessage(), System.StringComparison.Ordinal);
        Assert.Empty(result.AllDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning && d.Id != id));
        Assert.Equal(generatedFiles, result.Sources.Length);
    }
}
