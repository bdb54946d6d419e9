using System.Text;
using TokenClients.Internal;

namespace TokenClients;

/// <summary>
/// Sits inside the resilience pipeline of a token endpoint HttpClient, next to the attempt: a request marked with a
/// <see cref="ClientAssertionRequest"/> gets a new <c>client_assertion</c> appended to its form body for this attempt
/// only. The assertion lives in the attempt's own body and nowhere else.
/// </summary>
internal sealed class ClientAssertionHandler : DelegatingHandler
{
    private static readonly byte[] AssertionType = Encoding.ASCII.GetBytes("client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!request.Options.TryGetValue(ClientAssertionRequest.Key, out var assertion))
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var original = request.Content;
        var form = original is null ? [] : await original.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var value = Encoding.ASCII.GetBytes(Uri.EscapeDataString(await assertion.CreateAsync(request.RequestUri!, cancellationToken).ConfigureAwait(false)));
        var body = new byte[form.Length + (form.Length > 0 ? 1 : 0) + AssertionType.Length + value.Length];
        form.CopyTo(body, 0);
        var at = form.Length;
        if (form.Length > 0)
        {
            body[at++] = (byte)'&';
        }

        AssertionType.CopyTo(body, at);
        value.CopyTo(body, at + AssertionType.Length);
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new("application/x-www-form-urlencoded");
        request.Content = content;
        try
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // The next attempt starts from the body without an assertion.
            request.Content = original;
        }
    }
}
