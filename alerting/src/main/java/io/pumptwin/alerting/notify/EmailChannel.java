package io.pumptwin.alerting.notify;

import io.pumptwin.events.AlertEvent;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;

/** E-mail over SMTP (Jakarta Mail, Eclipse Angus), plain text with the evidence and twin values. */
public final class EmailChannel implements Channel<OnCallRouting.EmailRecipient> {
  private final SmtpSettings smtp;
  private final Session session;

  public EmailChannel(SmtpSettings smtp) {
    this.smtp = smtp;
    Properties p = new Properties();
    p.put("mail.smtp.host", smtp.host());
    p.put("mail.smtp.port", Integer.toString(smtp.port()));
    p.put("mail.smtp.connectiontimeout", Integer.toString(smtp.timeoutMillis()));
    p.put("mail.smtp.timeout", Integer.toString(smtp.timeoutMillis()));
    p.put("mail.smtp.writetimeout", Integer.toString(smtp.timeoutMillis()));
    p.put("mail.smtp.starttls.enable", Boolean.toString(smtp.startTls()));
    p.put("mail.smtp.starttls.required", Boolean.toString(smtp.startTls()));
    p.put("mail.smtp.auth", Boolean.toString(smtp.username() != null));
    this.session = Session.getInstance(p);
  }

  @Override
  public Attempt send(OnCallRouting.EmailRecipient to, AlertEvent alert, String notificationId,
      int attempt) {
    try {
      MimeMessage message = new MimeMessage(session);
      message.setFrom(new InternetAddress(smtp.from()));
      message.setRecipients(Message.RecipientType.TO, InternetAddress.parse(to.address()));
      message.setSubject(AlertMessage.subject(alert), StandardCharsets.UTF_8.name());
      message.setText(AlertMessage.text(alert), StandardCharsets.UTF_8.name());
      // Lets a mail client or ticketing system thread and de-duplicate repeated sends.
      message.setHeader("X-PumpTwin-Notification-Id", notificationId);
      if (smtp.username() != null) {
        Transport.send(message, smtp.username(), smtp.password());
      } else {
        Transport.send(message);
      }
      return Attempt.delivered(250);
    } catch (SMTPAddressFailedException e) {
      return Attempt.failed(e.getReturnCode(), e.getMessage(), e.getReturnCode() < 500);
    } catch (SMTPSendFailedException e) {
      return Attempt.failed(e.getReturnCode(), e.getMessage(), e.getReturnCode() < 500);
    } catch (MessagingException e) {
      // Connection refused, timeout, TLS failure: the relay may be back in a moment.
      return Attempt.failed(null, e.toString(), true);
    }
  }
}
