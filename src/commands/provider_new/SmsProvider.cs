// SmsServiceProvider: a custom SMS provider for MIM 2016 self-service password reset (the
// one-time-password SMS gate), made by `mimmfa provider new --sms`. What the MIM Service needs:
//  - the file SmsServiceProvider.dll in the Service folder, with one public, non-abstract,
//    non-generic class and a public constructor without parameters. Every other type here is
//    internal.
//  - ISmsServiceProvider listed FIRST among the class's interfaces: otherwise the service fails
//    with "TypeLoadException: The custom SMS provider DLL does not implement the required
//    interface" (MFA044). Keep it first when you add others.
//  - thread safety: the service calls SendSms from several threads at once. The class keeps no
//    state between calls at all.
//  - a failure is written to the event log or the log file (ProviderLog.cs) and thrown again:
//    an exception is the only way the service learns that no SMS went out.
// Configuration comes from SmsServiceProvider.settings beside the DLL (ProviderSettings.cs);
// no secret belongs in this code.
using System;
using System.Collections.Generic;
using Microsoft.IdentityManagement.SmsServiceProvider;

namespace {{NAME}}
{
    public class SmsServiceProvider : ISmsServiceProvider, IDisposable
    {
        public SmsServiceProvider()
        {
            // Nothing that can fail: an exception here stops the MIM Service from using the provider.
        }

        public void SendSms(string mobileNumber, string message, Guid requestId, Dictionary<string, object> deliveryAttributes)
        {
            try
            {
                if (string.IsNullOrWhiteSpace(mobileNumber))
                {
                    throw new ArgumentException("the user has no mobile number");
                }
                Send(ProviderSettings.Load(), mobileNumber, message, requestId, deliveryAttributes);
            }
            catch (Exception e)
            {
                ProviderLog.Failure("SendSms " + requestId, e);
                throw;
            }
        }

        // Send the text through your gateway (settings.Get("GatewayUrl"), credentials from the
        // settings file); throw when it was not sent. Until it is written it fails: a provider
        // that pretended to send would leave users waiting for a code that never comes.
        private static void Send(ProviderSettings settings, string mobileNumber, string message, Guid requestId, Dictionary<string, object> deliveryAttributes)
        {
            throw new NotImplementedException("not implemented: write Send in SmsServiceProvider.cs to call the gateway "
                + settings.Get("GatewayUrl"));
        }

        public void Dispose()
        {
        }
    }
}
