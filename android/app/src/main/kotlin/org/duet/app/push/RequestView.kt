package org.duet.app.push

import org.duet.app.Strings
import java.time.Instant
import java.time.ZoneId
import java.time.format.DateTimeFormatter
import org.duet.core.NumberMatching
import org.duet.core.PendingRequest
import org.duet.core.PushProtocol

/** A pending request as the screen shows it: what it asks, and each context line labelled. */
data class RequestView(
    val requestId: String,
    val protocol: PushProtocol,
    val heading: String,
    /** (label, value) for each piece of context the server sent, in reading order. */
    val details: List<Pair<String, String>>,
    /** privacyIDEA's own question, shown as the server wrote it. */
    val message: String?,
    val matching: NumberMatching,
    /** Server time the request expires at. */
    val expiresAt: Long?,
) {
    /** A request without number matching: approving it cannot prove the user sees the sign-in. */
    val weaker: Boolean get() = matching is NumberMatching.None

    companion object {
        private val TIME = DateTimeFormatter.ofPattern("HH:mm:ss, d MMM")

        fun of(p: PendingRequest, zone: ZoneId): RequestView {
            val heading = p.title?.takeIf { it.isNotBlank() }
                ?: p.service?.takeIf { it.isNotBlank() }?.let { Strings.Request.HEADING_SERVICE.format(it) }
                ?: Strings.Request.HEADING_PLAIN
            val details = listOfNotNull(
                p.service?.let { Strings.Request.LABEL_SERVICE to it },
                p.user?.let { Strings.Request.LABEL_ACCOUNT to it },
                p.issuer?.let { Strings.Request.LABEL_ISSUER to it },
                p.ip?.let { Strings.Request.LABEL_IP to it },
                p.location?.let { Strings.Request.LABEL_PLACE to it },
                p.client?.let { Strings.Request.LABEL_CLIENT to it },
                p.issuedAt?.let { Strings.Request.LABEL_TIME to TIME.format(Instant.ofEpochSecond(it).atZone(zone)) },
            ).filter { it.second.isNotBlank() }
            return RequestView(p.requestId, p.protocol, heading, details, p.message?.takeIf { it.isNotBlank() }, p.matching, p.expiresAt)
        }
    }
}
