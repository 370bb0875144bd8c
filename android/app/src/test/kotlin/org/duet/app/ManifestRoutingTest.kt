package org.duet.app

import android.Manifest
import android.content.Intent
import android.content.pm.PackageManager
import android.net.Uri
import org.duet.app.ui.AddActivity
import org.duet.app.ui.CodesActivity
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RuntimeEnvironment

/** The intent filters of the real AndroidManifest.xml, as the package manager resolves them. */
@RunWith(DuetTestRunner::class)
class ManifestRoutingTest {
    private val pm: PackageManager = RuntimeEnvironment.getApplication().packageManager

    private fun targets(link: String): List<String> =
        pm.queryIntentActivities(Intent(Intent.ACTION_VIEW, Uri.parse(link)).addCategory(Intent.CATEGORY_BROWSABLE), 0)
            .map { it.activityInfo.name }

    @Test
    fun everyLinkKindOpensTheAddScreen() {
        val links = listOf(
            "otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP",
            "otpauth://hotp/Example:alice?secret=JBSWY3DPEHPK3PXP&counter=1",
            "otpauth://pipush/PIPU0001?url=https://pi.example.com/ttype/push",
            "otpauth-migration://offline?data=CjEKCkhlbGxvId6tvu8SGA",
            "duet://enroll?v=1&u=alice",
            "https://mfa.example.com/duet/enroll#v=1",
            "https://login.example.org:8443/duet/enroll/#v=1",
        )
        for (link in links) assertEquals(link, listOf(AddActivity::class.java.name), targets(link))
    }

    @Test
    fun otherLinksDoNot() {
        for (link in listOf("https://mfa.example.com/login", "https://mfa.example.com/admin/duet/enroll", "http://mfa.example.com/duet/enroll#v=1", "duet://settings", "mailto:a@example.com")) {
            assertEquals(link, emptyList<String>(), targets(link))
        }
    }

    @Test
    fun theLauncherOpensCodesAndThePermissionsAreDeclared() {
        val main = Intent(Intent.ACTION_MAIN).addCategory(Intent.CATEGORY_LAUNCHER).setPackage("org.duet.app")
        assertEquals(listOf(CodesActivity::class.java.name), pm.queryIntentActivities(main, 0).map { it.activityInfo.name })
        val requested = pm.getPackageInfo("org.duet.app", PackageManager.GET_PERMISSIONS).requestedPermissions!!.toList()
        for (p in listOf(Manifest.permission.CAMERA, Manifest.permission.POST_NOTIFICATIONS, Manifest.permission.USE_BIOMETRIC)) {
            assertTrue(p, p in requested)
        }
    }
}
