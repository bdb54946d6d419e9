using System.Text.Json.Nodes;

namespace TokenClients.RedisTests.Worker;

/// <summary>Writes one JSON object a line, whole lines only, from any thread.</summary>
internal sealed class JsonLines(TextWriter writer)
{
    private readonly Lock _gate = new();

    public void Write(JsonObject line)
    {
        var text = line.ToJsonString();
        lock (_gate)
        {
            writer.WriteLine(text);
            writer.Flush();
        }
    }
}
