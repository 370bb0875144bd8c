package org.duet.app.platform

import org.duet.app.Strings
import android.app.Notification
import android.app.NotificationChannel
import android.app.NotificationManager
import android.app.PendingIntent
import android.content.Context
import org.duet.app.push.RequestActivity
import org.duet.core.ClosedSignIn
import org.duet.core.PendingRequest

/**
 * Sign-in request notifications on a high-importance channel. A notification only opens the
 * request screen: it has no approve or deny action, so nothing is answered from the shade or the
 * lock screen, and the lock screen shows no details of the sign-in.
 */
class Notifier(private val context: Context) {
    private val manager: NotificationManager = checkNotNull(context.getSystemService(NotificationManager::class.java))

    fun ensureChannel() {
        val channel = NotificationChannel(CHANNEL, Strings.Request.NOTIFY_CHANNEL, NotificationManager.IMPORTANCE_HIGH).apply {
            description = Strings.Request.NOTIFY_CHANNEL_DETAIL
            lockscreenVisibility = Notification.VISIBILITY_PRIVATE
        }
        manager.createNotificationChannel(channel)
    }

    /** One notification per waiting request; [nowSeconds] is the phone's clock, for the timeout. */
    fun show(requests: List<PendingRequest>, nowSeconds: Long) {
        ensureChannel()
        for (r in requests) {
            val open = PendingIntent.getActivity(
                context,
                r.requestId.hashCode(),
                RequestActivity.intent(context, r.requestId),
                PendingIntent.FLAG_IMMUTABLE or PendingIntent.FLAG_UPDATE_CURRENT,
            )
            val what = r.service ?: r.title ?: r.issuer ?: Strings.Request.NOTIFY_TITLE
            val public = Notification.Builder(context, CHANNEL)
                .setSmallIcon(android.R.drawable.ic_lock_lock)
                .setContentTitle(Strings.Request.NOTIFY_TITLE)
                .build()
            val b = Notification.Builder(context, CHANNEL)
                .setSmallIcon(android.R.drawable.ic_lock_lock)
                .setContentTitle(Strings.Request.NOTIFY_TITLE)
                .setContentText(Strings.Request.NOTIFY_TEXT.format(what))
                .setContentIntent(open)
                .setAutoCancel(true)
                .setOnlyAlertOnce(true)
                .setVisibility(Notification.VISIBILITY_PRIVATE)
                .setPublicVersion(public)
            r.expiresAt?.let { b.setTimeoutAfter(maxOf(1L, it - nowSeconds) * 1000) }
            manager.notify(TAG, r.requestId.hashCode(), b.build())
        }
    }

    /** Removes the notifications of requests that were answered or closed. */
    fun clear(closed: List<ClosedSignIn>) {
        for (c in closed) manager.cancel(TAG, c.requestId.hashCode())
    }

    fun clear(requestId: String) = manager.cancel(TAG, requestId.hashCode())

    companion object {
        const val CHANNEL = "sign-in-requests"
        private const val TAG = "sign-in"
    }
}
