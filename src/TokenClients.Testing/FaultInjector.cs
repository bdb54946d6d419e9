using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace TokenClients.Testing;

/// <summary>A fault the token endpoint answers with instead of its normal answer.</summary>
public sealed class EmulatorFault
{
    private EmulatorFault(int statusCode, string contentType, string body, TimeSpan delay = default, TimeSpan? retryAfter = null, bool thenAnswerNormally = false)
    {
        StatusCode = statusCode;
        ContentType = contentType;
        Body = body;
        Delay = delay;
        RetryAfter = retryAfter;
        ThenAnswerNormally = thenAnswerNormally;
    }

    /// <summary>Gets the status code answered.</summary>
    public int StatusCode { get; }

    /// <summary>Gets the content type answered.</summary>
    public string ContentType { get; }

    /// <summary>Gets the body answered.</summary>
    public string Body { get; }

    /// <summary>Gets how long the answer is delayed.</summary>
    public TimeSpan Delay { get; }

    /// <summary>Gets the <c>Retry-After</c> sent, if any.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>Gets a value indicating whether the emulator answers normally after the delay.</summary>
    public bool ThenAnswerNormally { get; }

    /// <summary>Answers a status code (500, 502, 503, 504, 429 …), optionally with <c>Retry-After</c> in seconds.</summary>
    /// <param name="statusCode">The status code.</param>
    /// <param name="retryAfter">The <c>Retry-After</c> to send.</param>
    /// <returns>The fault.</returns>
    public static EmulatorFault Status(int statusCode, TimeSpan? retryAfter = null) => new(statusCode, "text/plain", string.Empty, retryAfter: retryAfter);

    /// <summary>Delays the answer, then answers normally.</summary>
    /// <param name="delay">How long to wait (real time).</param>
    /// <returns>The fault.</returns>
    public static EmulatorFault Delayed(TimeSpan delay) => new(200, string.Empty, string.Empty, delay, thenAnswerNormally: true);

    /// <summary>Answers 200 with a body that is not valid JSON.</summary>
    /// <returns>The fault.</returns>
    public static EmulatorFault MalformedJson() => new(200, "application/json", """{"access_token": "abc", "expires_in": """);

    /// <summary>Answers 200 with an HTML page.</summary>
    /// <returns>The fault.</returns>
    public static EmulatorFault Html() => new(200, "text/html", "<html><body><h1>Maintenance</h1></body></html>");

    /// <summary>Answers 200 with an empty body.</summary>
    /// <returns>The fault.</returns>
    public static EmulatorFault EmptyBody() => new(200, "application/json", string.Empty);

    /// <summary>Answers 200 with JSON that has no <c>access_token</c>.</summary>
    /// <returns>The fault.</returns>
    public static EmulatorFault MissingAccessToken() => new(200, "application/json", """{"token_type":"Bearer","expires_in":3600}""");

    /// <summary>Answers 200 with a JSON body of about <paramref name="bytes"/> bytes.</summary>
    /// <param name="bytes">The size.</param>
    /// <returns>The fault.</returns>
    public static EmulatorFault Oversized(int bytes) => new(200, "application/json", "{\"access_token\":\"" + new string('a', Math.Max(0, bytes - 20)) + "\"}");

    /// <summary>Answers exactly this.</summary>
    /// <param name="statusCode">The status code.</param>
    /// <param name="contentType">The content type.</param>
    /// <param name="body">The body.</param>
    /// <returns>The fault.</returns>
    public static EmulatorFault Answer(int statusCode, string contentType, string body) => new(statusCode, contentType, body);

    /// <inheritdoc/>
    public override string ToString() => $"Fault {StatusCode} {ContentType} delay {Delay}";
}

/// <summary>Makes an emulator's token endpoint misbehave on demand. Thread-safe.</summary>
public sealed class FaultInjector
{
    private readonly ConcurrentQueue<EmulatorFault> _queued = new();
    private readonly Lock _randomGate = new();
    private Random? _random;
    private int? _seed;

    /// <summary>Gets or sets the fraction (0 to 1) of token requests answered 503 at random, for soak tests.</summary>
    public double RandomFailureRate { get; set; }

    /// <summary>Gets or sets the seed of the random failures; <see langword="null"/> for a random seed.</summary>
    public int? RandomSeed
    {
        get => _seed;
        set
        {
            lock (_randomGate)
            {
                _seed = value;
                _random = null;
            }
        }
    }

    /// <summary>Answers the next <paramref name="times"/> token requests with <paramref name="fault"/>.</summary>
    /// <param name="fault">The fault.</param>
    /// <param name="times">How many requests it applies to.</param>
    public void Enqueue(EmulatorFault fault, int times = 1)
    {
        ArgumentNullException.ThrowIfNull(fault);
        for (var i = 0; i < times; i++)
        {
            _queued.Enqueue(fault);
        }
    }

    /// <summary>Drops every queued fault and stops random failures.</summary>
    public void Clear()
    {
        _queued.Clear();
        RandomFailureRate = 0;
    }

    /// <summary>Answers with the next fault, if one applies; returns the status answered, or null to answer normally.</summary>
    internal async Task<int?> TryApplyAsync(HttpContext context)
    {
        if (!_queued.TryDequeue(out var fault))
        {
            if (RandomFailureRate <= 0 || !NextRandomFailure())
            {
                return null;
            }

            fault = EmulatorFault.Status(503);
        }

        if (fault.Delay > TimeSpan.Zero)
        {
            await Task.Delay(fault.Delay, TimeProvider.System, context.RequestAborted).ConfigureAwait(false);
        }

        if (fault.ThenAnswerNormally)
        {
            return null;
        }

        context.Response.StatusCode = fault.StatusCode;
        if (fault.RetryAfter is { } retryAfter)
        {
            context.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (fault.Body.Length > 0)
        {
            context.Response.ContentType = fault.ContentType;
            await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(fault.Body), context.RequestAborted).ConfigureAwait(false);
        }

        return fault.StatusCode;
    }

    private bool NextRandomFailure()
    {
        lock (_randomGate)
        {
            _random ??= _seed is { } seed ? new Random(seed) : new Random();
#pragma warning disable CA5394 // Fault injection, not security.
            return _random.NextDouble() < RandomFailureRate;
#pragma warning restore CA5394
        }
    }
}
