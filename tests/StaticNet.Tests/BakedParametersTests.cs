using System;
using System.Linq;
using System.Text;
using Xunit;

namespace StaticNet.Tests;

/// <summary>
/// The decoder of baked-in parameters (<see cref="GeneratedCodeHelpers.DecodeBakedParameters(ReadOnlySpan{byte}, Span{float})"/>):
/// the generator's base64 in lines decodes to the values, whatever the line ends, and a literal of the wrong length or
/// with a stray character is refused.
/// </summary>
public sealed class BakedParametersTests
{
    private static readonly float[] Singles = Enumerable.Range(0, 61).Select(i => MathF.Sin(i) * (i + 1)).ToArray();

    private static readonly double[] Doubles = Enumerable.Range(0, 61).Select(i => Math.Sin(i) * (i + 1)).ToArray();

    /// <summary>The literal as the generator writes it: <paramref name="perLine"/> characters a line, ended by <paramref name="newLine"/>.</summary>
    private static byte[] Literal(byte[] bytes, int perLine, string newLine)
    {
        string base64 = Convert.ToBase64String(bytes);
        string text = string.Join(newLine, base64.Chunk(perLine).Select(chunk => new string(chunk)));
        return Encoding.UTF8.GetBytes(text);
    }

    [Theory]
    [InlineData(96, "\n")]
    [InlineData(96, "\r\n")]
    [InlineData(4, "\n")]
    [InlineData(100_000, "\n")]
    public void Lines_of_base64_decode_to_the_values(int perLine, string newLine)
    {
        var singles = new float[Singles.Length];
        GeneratedCodeHelpers.DecodeBakedParameters(Literal(Singles.SelectMany(BitConverter.GetBytes).ToArray(), perLine, newLine), singles);
        Assert.Equal(Singles, singles);

        var doubles = new double[Doubles.Length];
        GeneratedCodeHelpers.DecodeBakedParameters(Literal(Doubles.SelectMany(BitConverter.GetBytes).ToArray(), perLine, newLine), doubles);
        Assert.Equal(Doubles, doubles);
    }

    [Fact]
    public void A_literal_of_the_wrong_length_or_with_a_stray_character_is_refused()
    {
        byte[] literal = Literal(Singles.SelectMany(BitConverter.GetBytes).ToArray(), 96, "\n");
        var exception = Assert.Throws<InvalidOperationException>(() => GeneratedCodeHelpers.DecodeBakedParameters(literal, new float[Singles.Length + 1]));
        Assert.Contains("rebuild the project", exception.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => GeneratedCodeHelpers.DecodeBakedParameters(literal, new float[Singles.Length - 1]));

        byte[] stray = [.. literal];
        stray[100] = (byte)'*';
        Assert.Throws<InvalidOperationException>(() => GeneratedCodeHelpers.DecodeBakedParameters(stray, new float[Singles.Length]));

        // A space inside a line is not a line end.
        byte[] spaced = [.. literal];
        spaced[10] = (byte)' ';
        Assert.Throws<InvalidOperationException>(() => GeneratedCodeHelpers.DecodeBakedParameters(spaced, new float[Singles.Length]));
    }
}
