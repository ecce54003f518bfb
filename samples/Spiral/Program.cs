using System;
using System.Diagnostics;
using StaticNet;

namespace Samples.Spiral;

/// <summary>The seed material's classifier: 2 inputs, 64 ReLU units, 3 softmax outputs, trained on cross-entropy.</summary>
[Network(Layers = [2, 64, 3], Activation = Activation.ReLU, Output = Activation.Softmax, Loss = Loss.CrossEntropy)]
public partial class SpiralNet;

/// <summary>Trains <see cref="SpiralNet"/> on the spiral data and prints its progress.</summary>
public static class Program
{
    /// <summary>The entry point.</summary>
    public static void Main()
    {
        SpiralResult result = SpiralTraining.Run(Console.WriteLine);
        Console.WriteLine($"Trained {result.Epochs} epochs ({result.Steps:N0} steps) in {result.Seconds:F2} s: training accuracy {result.Accuracy:P1}.");
    }
}

/// <summary>What a training run reached.</summary>
/// <param name="Epochs">The number of passes over the data.</param>
/// <param name="Steps">The number of training steps (one per sample per epoch).</param>
/// <param name="Seconds">The training time.</param>
/// <param name="Loss">The mean loss of the last epoch.</param>
/// <param name="Accuracy">The training accuracy at the end, in [0, 1].</param>
public sealed record SpiralResult(int Epochs, long Steps, double Seconds, double Loss, double Accuracy);

/// <summary>Trains <see cref="SpiralNet"/> on the spiral data with one <c>TrainStep</c> per sample (plain SGD).</summary>
public static class SpiralTraining
{
    /// <summary>The number of points on each arm of the spiral.</summary>
    public const int PointsPerClass = 100;

    /// <summary>The number of arms (classes).</summary>
    public const int Classes = 3;

    /// <summary>The number of passes over the data.</summary>
    public const int Epochs = 5000;

    /// <summary>How often, in epochs, progress is reported.</summary>
    public const int ReportEvery = 250;

    /// <summary>Trains from fixed seeds and reports the loss and accuracy of every <see cref="ReportEvery"/>-th epoch to <paramref name="log"/>.</summary>
    /// <param name="log">Receives a line of progress, or <see langword="null"/> for silence.</param>
    /// <param name="epochs">The number of passes over the data.</param>
    /// <returns>What the run reached.</returns>
    public static SpiralResult Run(Action<string>? log = null, int epochs = Epochs)
    {
        (float[] inputs, int[] labels) = SpiralData(PointsPerClass, Classes, seed: 0);
        int count = labels.Length;
        var net = new SpiralNet(seed: 0);
        var random = new Random(1);
        int[] order = new int[count];
        for (int i = 0; i < count; i++)
        {
            order[i] = i;
        }

        log?.Invoke($"Spiral: {count} points in {Classes} classes; SpiralNet {string.Join(" -> ", SpiralNet.LayerSizes.ToArray())}, {SpiralNet.ParameterCount} parameters, {epochs} epochs of SGD");
        var clock = Stopwatch.StartNew();
        double loss = 0;
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            // Inverse-time decay of the learning rate; a new order of the samples every epoch.
            float learningRate = 0.05f / (1 + (0.001f * epoch));
            random.Shuffle(order);
            loss = 0;
            foreach (int i in order)
            {
                loss += net.TrainStep(inputs.AsSpan(i * 2, 2), labels[i], learningRate);
            }

            loss /= count;
            if (log is not null && (epoch == 1 || epoch % ReportEvery == 0))
            {
                log($"epoch {epoch,5}: loss {loss:F4}, accuracy {Accuracy(net, inputs, labels):P1}, learning rate {learningRate:F4}");
            }
        }

        double seconds = clock.Elapsed.TotalSeconds;
        return new SpiralResult(epochs, (long)epochs * count, seconds, loss, Accuracy(net, inputs, labels));
    }

    /// <summary>The fraction of points whose predicted class is their label.</summary>
    /// <param name="net">The network.</param>
    /// <param name="inputs">The points, two coordinates each.</param>
    /// <param name="labels">The class of each point.</param>
    /// <returns>The accuracy, in [0, 1].</returns>
    public static double Accuracy(SpiralNet net, float[] inputs, int[] labels)
    {
        int correct = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            if (net.Predict(inputs.AsSpan(i * 2, 2)) == labels[i])
            {
                correct++;
            }
        }

        return (double)correct / labels.Length;
    }

    /// <summary>
    /// The spiral data set of the seed material (nnfs.io): class k's points lie on an arm at radius r in [0, 1] and angle
    /// 2.5 (4k + 4r) plus Gaussian noise of 0.2 (here from a seeded generator, so every run is the same).
    /// </summary>
    /// <param name="points">The number of points per class.</param>
    /// <param name="classes">The number of classes.</param>
    /// <param name="seed">The seed of the noise.</param>
    /// <returns>The points, two coordinates each, and the class of each point.</returns>
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
}
