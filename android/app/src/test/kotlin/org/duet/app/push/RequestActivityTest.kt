package org.duet.app.push

import org.duet.app.Strings
import android.hardware.biometrics.BiometricPrompt
import android.os.Looper
import android.widget.Button
import android.widget.EditText
import android.widget.TextView
import java.io.File
import org.duet.app.platform.VaultKeyWrapper
import org.duet.core.AddResult
import org.duet.core.AnswerOutcome
import org.duet.core.AppServices
import org.duet.core.DeviceInfo
import org.duet.core.DuetApp
import org.duet.core.PushAnswer
import org.duet.app.DuetTestRunner
import org.junit.After
import org.junit.Assert.assertArrayEquals
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Before
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.Shadows.shadowOf
import org.robolectric.android.controller.ActivityController
import org.robolectric.shadows.ShadowBiometricPrompt

/**
 * The request screen end to end: the real core (JNA), the reference server on 127.0.0.1 through
 * the test helper, the framework BiometricPrompt through Robolectric's shadow, and Keystore doubles
 * that let an answer be signed only inside a prompt that succeeded.
 */
@RunWith(DuetTestRunner::class)
class RequestActivityTest {
    private val t0 = 1_790_000_000L
    private lateinit var server: HelperServer
    private lateinit var clock: TestClock
    private lateinit var env: TestPushEnvironment
    private var controller: ActivityController<RequestActivity>? = null

    @Before
    fun start() {
        server = HelperServer()
        clock = TestClock(t0)
        env = TestPushEnvironment(server, clock)
        PushEnvironment.install(env)
        ShadowBiometricPrompt.reset()
    }

    @After
    fun stop() {
        controller?.pause()?.stop()?.destroy()
        env.close()
        server.close()
    }

    /** Enrolls `user` on the phone (the vault is created, a device key made in the keystore double). */
    private fun enroll(app: DuetApp = env.app(), user: String = "alice"): String {
        val link = server.cmd("enroll", user, "$t0")[0]
        clock.now = t0 + 5
        val added = app.addScanned(link)
        assertTrue("$added", added is AddResult.Push)
        return (added as AddResult.Push).id
    }

    private fun signIn(mode: String, service: String = "VPN", at: Long = t0 + 10): Pair<String, String> {
        val (cid, number) = server.cmd("signin", "alice", service, mode, "$at")
        clock.now = at + 2
        return cid to number
    }

    private fun status(cid: String) = server.cmd("status", cid, "${clock.now}")[0]

    private fun open(requestId: String? = null): RequestActivity {
        val c = Robolectric.buildActivity(RequestActivity::class.java, RequestActivity.intent(
            org.robolectric.RuntimeEnvironment.getApplication(), requestId))
        controller = c
        c.setup()
        idle()
        return c.get()
    }

    private fun idle() = shadowOf(Looper.getMainLooper()).idle()

    private fun RequestActivity.text(tag: String): String? = (requestView(tag) as? TextView)?.text?.toString()

    private fun RequestActivity.click(tag: String) {
        val v = requestView(tag)
        assertTrue("$tag is a button: $v", v is Button)
        v!!.performClick()
        idle()
    }

    private fun RequestActivity.type(number: String) {
        (requestView("number") as EditText).setText(number)
        idle()
    }

    /** The user passes the prompt: the Keystore double lets the prompt's Signature sign once. */
    private fun promptSucceeds() {
        env.keys.userAuthenticated()
        ShadowBiometricPrompt.authenticateCurrentSessionSuccessfully()
        idle()
    }

    @Test
    fun typedNumberApprovedInsideThePromptReachesTheServer() {
        enroll()
        val (cid, number) = signIn("type2")
        val a = open()
        // The context the server sent, each piece labelled.
        assertEquals("Sign in to VPN?", a.text("heading"))
        assertEquals("Service: VPN", a.text("detail-Service"))
        assertEquals("Account: alice", a.text("detail-Account"))
        assertEquals("IP address: 203.0.113.7", a.text("detail-IP address"))
        assertEquals("Near: Berlin, DE", a.text("detail-Near"))
        assertEquals("Browser: Firefox on Windows", a.text("detail-Browser"))
        assertNotNull(a.text("detail-Organisation"))
        val time = a.text("detail-Time")!!
        assertTrue(time, time.matches(Regex("Time: \\d\\d:\\d\\d:\\d\\d, \\d+ \\w+\\.?")))
        assertEquals("Type the 2-digit number shown on the sign-in screen", a.text("type-hint"))
        assertNull(a.requestView("weaker"))

        // Approve without the number: asked for it, nothing prepared, no prompt.
        a.click("approve")
        assertEquals("Type all 2 digits first.", a.text("note"))
        assertNull(ShadowBiometricPrompt.getCurrentPrompt())

        a.type(number)
        a.click("approve")
        // The prompt is up; nothing is signed or sent yet.
        assertNotNull(ShadowBiometricPrompt.getCurrentPrompt())
        assertEquals(Strings.Request.CONFIRMING, a.text("confirming"))
        assertEquals(0, env.http.answersSent())
        assertEquals("pending", status(cid))

        promptSucceeds()
        assertEquals(Strings.Request.APPROVED, a.text("outcome"))
        assertEquals("approved", status(cid))
        assertEquals(1, env.keys.signedAnswers)
        assertEquals(0, env.keys.refused)
    }

    @Test
    fun deniedAsNotMeIsReportedAsFraudAndMutesPushes() {
        enroll()
        val (cid, _) = signIn("pick3", "Mail")
        val a = open(cid)
        assertEquals("Tap the number shown on the sign-in screen", a.text("pick-hint"))
        a.click("deny")
        assertEquals(Strings.Request.WAS_IT_YOU, a.text("was-it-you"))
        assertEquals(Strings.Request.NOT_ME, a.text("not-me"))
        assertEquals(Strings.Request.MISTAKE, a.text("mistake"))
        a.click("not-me")
        assertEquals(0, env.http.answersSent())
        promptSucceeds()
        assertEquals(Strings.Request.DENIED_NOT_ME, a.text("outcome"))
        assertEquals("denied", status(cid))
        // The server recorded a fraud report and paused pushes for the user.
        assertEquals("fraud", server.cmd("record", cid)[0])
        val next = server.line("signin", "alice", "Mail", "none", "${clock.now + 1}")
        assertTrue(next, next.startsWith("err E_SRV_PUSH_MUTED"))
    }

    @Test
    fun deniedByMistakeIsNotAFraudReport() {
        enroll()
        val (cid, _) = signIn("none")
        val a = open()
        a.click("deny")
        a.click("back")
        assertEquals("Sign in to VPN?", a.text("heading"))
        a.click("deny")
        a.click("mistake")
        promptSucceeds()
        assertEquals(Strings.Request.DENIED_MISTAKE, a.text("outcome"))
        assertEquals("denied", server.cmd("record", cid)[0])
        assertTrue(server.line("signin", "alice", "VPN", "none", "${clock.now + 1}").startsWith("ok"))
    }

    @Test
    fun cancelledOrFailedPromptSendsNothing() {
        enroll()
        val (cid, _) = signIn("none")
        val a = open()
        // This request cannot prove the user sees the sign-in, and the screen says so.
        assertEquals(Strings.Request.WEAKER, a.text("weaker"))

        a.click("approve")
        ShadowBiometricPrompt.cancelCurrentSession()
        idle()
        assertEquals(Strings.Request.NOT_SENT, a.text("note"))
        assertEquals("pending", status(cid))

        a.click("approve")
        // An unrecognised finger keeps the prompt up and sends nothing.
        ShadowBiometricPrompt.failCurrentSessionOnce()
        idle()
        assertEquals(Strings.Request.CONFIRMING, a.text("confirming"))
        ShadowBiometricPrompt.authenticateCurrentSessionWithError(BiometricPrompt.BIOMETRIC_ERROR_LOCKOUT, "Too many attempts")
        idle()
        assertEquals(Strings.Request.NOT_SENT_FAILED.format("Too many attempts"), a.text("note"))

        a.click("deny")
        a.click("not-me")
        ShadowBiometricPrompt.authenticateCurrentSessionWithError(BiometricPrompt.BIOMETRIC_ERROR_USER_CANCELED, "Cancelled")
        idle()
        assertEquals(Strings.Request.NOT_SENT, a.text("note"))

        // Nothing signed, nothing sent, and the server still waits.
        assertEquals(0, env.keys.signedAnswers)
        assertEquals(0, env.keys.refused)
        assertEquals(0, env.http.answersSent())
        assertEquals("pending", status(cid))
        // The request stays answerable.
        a.click("approve")
        promptSucceeds()
        assertEquals(Strings.Request.APPROVED, a.text("outcome"))
        assertEquals("approved", status(cid))
    }

    @Test
    fun expiredRequestSaysSoAndSendsNothing() {
        enroll()
        val (cid, number) = signIn("type2")
        val a = open()
        a.type(number)
        clock.now += 3600
        server.cmd("advance", "3600")
        a.click("approve")
        assertEquals(Strings.Request.EXPIRED, a.text("outcome"))
        assertNull(ShadowBiometricPrompt.getCurrentPrompt())
        assertEquals(0, env.http.answersSent())
        assertEquals("expired", status(cid))
    }

    @Test
    fun requestThatExpiresWhileShownIsClosedByThePoll() {
        enroll()
        val (cid, _) = signIn("none")
        val a = open()
        assertEquals("Sign in to VPN?", a.text("heading"))
        clock.now += 3600
        shadowOf(Looper.getMainLooper()).idleFor(java.time.Duration.ofSeconds(env.pollSeconds))
        assertEquals(Strings.Request.EXPIRED, a.text("outcome"))
        assertEquals("expired", status(cid))
    }

    @Test
    fun wrongNumberIsShownPlainly() {
        enroll()
        val (cid, number) = signIn("type2")
        val a = open()
        // Another two-digit number (10..99: no leading zero, which the phone would refuse itself).
        a.type("${number.toInt() % 90 + 10}")
        a.click("approve")
        promptSucceeds()
        assertEquals(Strings.Request.WRONG_NUMBER, a.text("outcome"))
        assertEquals("failed", status(cid))
        assertEquals("failed_number", server.cmd("record", cid)[0])
    }

    @Test
    fun answeredOnAnotherDevice() {
        enroll()
        // The user's tablet, enrolled too, with its own vault and software keys in it (its answer
        // key signs in one step, without a prompt).
        val tabletDir = File(env.dir, "tablet").apply { mkdirs() }
        val tablet = DuetApp.create(File(tabletDir, "vault.db").path, env.wrapper,
            AppServices(clock, env.http, null, DeviceInfo("Tablet", "android", "tee")))
        tablet.use {
            enroll(it)
            val (cid, _) = signIn("none")
            val a = open()
            assertEquals(cid, it.poll().requests.single().requestId)
            // The tablet answers first.
            assertEquals(AnswerOutcome.ACCEPTED, it.answer(cid, PushAnswer.DenyMistake))
            a.click("approve")
            promptSucceeds()
            assertEquals(Strings.Request.ANSWERED_ELSEWHERE, a.text("outcome"))
            assertEquals("denied", status(cid))
        }
    }

    @Test
    fun lockedVaultAsksForTheUnlockFirst() {
        enroll()
        env.closeApp()
        val (_, _) = signIn("none")
        env.wrapping.locked = true
        val a = open()
        assertEquals(Strings.Request.LOCKED, a.text("locked"))
        assertEquals(0, env.http.sent.count { it.endsWith("/poll") })
        env.wrapping.locked = false
        a.click("unlock")
        assertEquals("Sign in to VPN?", a.text("heading"))
    }

    @Test
    fun invalidatedAnswerKeyIsExplainedAndNothingIsDeleted() {
        val id = enroll()
        val (cid, _) = signIn("none")
        val a = open()
        env.keys.invalidated = true
        a.click("approve")
        assertEquals(Strings.Request.KEY_LOST_TITLE, a.text("key-lost"))
        assertEquals(Strings.Request.KEY_INVALIDATED + " " + Strings.Request.KEY_NOTHING_DELETED, a.text("key-lost-text"))
        assertEquals("• " + Strings.Request.WAY_BACK_PUSH, a.text("way-back-0"))
        assertNull(ShadowBiometricPrompt.getCurrentPrompt())
        assertEquals("pending", status(cid))
        // The account and its key handle are still stored, and the device key still polls.
        assertEquals(listOf(id), env.app().pushAccounts().map { it.id })
        assertEquals(cid, env.app().poll().requests.single().requestId)
    }

    @Test
    fun invalidatedVaultKeyIsExplainedAndNothingIsDeleted() {
        enroll()
        env.closeApp()
        val vault = File(env.vaultPath)
        val wrapped = VaultKeyWrapper.keyFile(env.vaultPath)
        val before = vault.readBytes() to wrapped.readBytes()
        env.wrapping.invalidated = true
        val a = open()
        assertEquals(Strings.Request.KEY_LOST_TITLE, a.text("key-lost"))
        assertEquals("• " + Strings.Request.WAY_BACK_VAULT, a.text("way-back-0"))
        assertEquals("• " + Strings.Request.WAY_BACK_PUSH, a.text("way-back-1"))
        // The vault and its wrapped key are untouched.
        assertArrayEquals(before.first, vault.readBytes())
        assertArrayEquals(before.second, wrapped.readBytes())
        assertFalse(env.wrapping.locked)
    }
}
