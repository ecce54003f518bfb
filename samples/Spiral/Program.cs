using System;
using System.Globalization;
using System.IO;
using System.Text;
using StaticNet;
using StaticNet.Training;

namespace Samples.Spiral;

/// <summary>The seed material's classifier: 2 inputs, 64 ReLU units, 3 softmax outputs, trained on cross-entropy.</summary>
[Network(Layers = [2, 64, 3], Activation = Activation.ReLU, Output = Activation.Softmax, Loss = Loss.CrossEntropy)]
public partial class SpiralNet;

public static class Program
{
    public static void Main()
    {
        SpiralResult result = SpiralTraining.Run(Console.WriteLine);
        Console.WriteLine($"Trained {result.Epochs} epochs in {result.Seconds:F2} s: training accuracy {result.Accuracy:P1}.");

        string svg = Path.GetFullPath("spiral.svg");
        File.WriteAllText(svg, SpiralPlot.Svg(result.Network, result.Inputs, result.Labels));
        Console.WriteLine($"Wrote the learned decision regions with the data points to {svg}");

        float[] sample = [0.25f, -0.5f];
        double nanoseconds = InferenceLatency.MedianNanoseconds(() => result.Network.Predict(sample));
        Console.WriteLine($"Single-sample inference (Predict): median {nanoseconds:F0} ns per call.");
    }
}

/// <summary>What a training run reached.</summary>
public sealed record SpiralResult(SpiralNet Network, float[] Inputs, int[] Labels, int Epochs, double Seconds, double Loss, double Accuracy);

/// <summary>Trains <see cref="SpiralNet"/> on the spiral data with the trainer and Adam.</summary>
public static class SpiralTraining
{
    public const int PointsPerClass = 100;
    public const int Classes = 3;
    public const int Epochs = 12_000;
    public const int ReportEvery = 500;

    /// <summary>Trains from fixed seeds and writes the loss and accuracy of every <see cref="ReportEvery"/>-th epoch to <paramref name="log"/>.</summary>
    public static SpiralResult Run(Action<string>? log = null)
    {
        (float[] inputs, int[] labels) = SpiralData(PointsPerClass, Classes, seed: 0);
        var net = new SpiralNet(seed: 0);
        var optimizer = new Adam<float>(SpiralNet.ParameterCount, learningRate: 0.02);
        // Full batches (the 300 points in shards of 16, on all cores) and a learning rate decaying from 0.02 to 0.002.
        var options = new TrainerOptions { Epochs = Epochs, BatchSize = 300, Seed = 1, Schedule = new ExponentialDecay(0.9998) };
        log?.Invoke($"Spiral: {labels.Length} points in {Classes} classes; SpiralNet {string.Join(" -> ", SpiralNet.LayerSizes.ToArray())}, {SpiralNet.ParameterCount} parameters; Adam, {Epochs:N0} epochs of batches of {options.BatchSize}");

        var progress = new Reporter(epoch =>
        {
            if (epoch.Epoch == 1 || epoch.Epoch % ReportEvery == 0)
            {
                log?.Invoke($"epoch {epoch.Epoch,6:N0}: loss {epoch.Loss:F4}, accuracy {epoch.Accuracy:P1}, learning rate {epoch.LearningRate:F4}");
            }
        });
        TrainingHistory history = new Trainer<SpiralNet, float>(net, optimizer, options).Fit(inputs, labels, progress);
        EpochResult last = history.Last;
        return new SpiralResult(net, inputs, labels, history.Epochs.Count, last.Elapsed.TotalSeconds, last.Loss, last.Accuracy!.Value);
    }

    /// <summary>
    /// The spiral data set of the seed material (nnfs.io): class k's points lie on an arm at radius r in [0, 1] and angle
    /// 2.5 (4k + 4r) plus Gaussian noise of 0.2 (here from a seeded generator, so every run is the same).
    /// </summary>
    public static (float[] Inputs, int[] Labels) SpiralData(int points, int classes, int seed)
    {
        var random = new Random(seed);
        var inputs = new float[points * classes * 2];
        var labels = new int[points * classes];
        for (int k = 0; k < classes; k++)
        {
            for (int i = 0; i < points; i++)
            {
                double r = (double)i / (points - 1);
                double t = (k * 4) + (4.0 * i / (points - 1)) + (Gaussian(random) * 0.2);
                int index = (k * points) + i;
                inputs[index * 2] = (float)(r * Math.Sin(t * 2.5));
                inputs[(index * 2) + 1] = (float)(r * Math.Cos(t * 2.5));
                labels[index] = k;
            }
        }

        return (inputs, labels);
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    /// <summary>Reports synchronously on the training thread (Progress&lt;T&gt; would post to a thread pool).</summary>
    private sealed class Reporter(Action<EpochResult> report) : IProgress<EpochResult>
    {
        public void Report(EpochResult value) => report(value);
    }
}

/// <summary>Draws the decision regions of the network over the plane, with the data points on top, as SVG.</summary>
public static class SpiralPlot
{
    private static readonly string[] Regions = ["#f6c7c3", "#c3e3c6", "#c4d4f2"];
    private static readonly string[] Points = ["#c0392b", "#1e8449", "#1f4e9c"];

    public static string Svg(SpiralNet net, float[] inputs, int[] labels)
    {
        const int Size = 600, Cells = 120;
        const double Extent = 1.1;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Size}\" height=\"{Size}\" viewBox=\"0 0 {Size} {Size}\" shape-rendering=\"crispEdges\">\n");
        double cell = (double)Size / Cells;
        Span<float> point = stackalloc float[2];
        for (int row = 0; row < Cells; row++)
        {
            for (int column = 0; column < Cells; column++)
            {
                point[0] = (float)(((column + 0.5) / Cells * 2 * Extent) - Extent);
                point[1] = (float)(Extent - ((row + 0.5) / Cells * 2 * Extent));
                svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{column * cell:F1}\" y=\"{row * cell:F1}\" width=\"{cell + 0.1:F1}\" height=\"{cell + 0.1:F1}\" fill=\"{Regions[net.Predict(point)]}\"/>\n");
            }
        }

        for (int i = 0; i < labels.Length; i++)
        {
            double x = (inputs[i * 2] + Extent) / (2 * Extent) * Size;
            double y = (Extent - inputs[(i * 2) + 1]) / (2 * Extent) * Size;
            svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{x:F1}\" cy=\"{y:F1}\" r=\"4\" fill=\"{Points[labels[i]]}\" stroke=\"white\" stroke-width=\"1\" shape-rendering=\"auto\"/>\n");
        }

        svg.Append("</svg>\n");
        return svg.ToString();
    }
}
