package org.duet.app

import android.app.Activity
import android.view.View
import android.widget.EditText
import android.widget.TextView

/** Finding the screens' views by the tags the view builders set. */
fun <V : View> Activity.tagged(tag: String): V =
    window.decorView.findViewWithTag<V>(tag) ?: throw AssertionError("no view tagged $tag")

fun Activity.textOf(tag: String): String = tagged<TextView>(tag).text.toString()

fun Activity.has(tag: String): Boolean = window.decorView.findViewWithTag<View>(tag) != null

fun Activity.type(tag: String, text: String) = tagged<EditText>(tag).setText(text)

fun Activity.click(tag: String) = check(tagged<View>(tag).performClick()) { "$tag did not take the click" }

/** Runs what the main looper has due now (dialog button clicks arrive as messages). */
fun idle() = org.robolectric.Shadows.shadowOf(android.os.Looper.getMainLooper()).idle()

/** Every text under the view tagged [tag], for failure messages. */
fun Activity.allText(tag: String): String {
    val out = StringBuilder()
    fun walk(v: View) {
        if (v is TextView) out.append(v.text).append(" | ")
        if (v is android.view.ViewGroup) for (i in 0 until v.childCount) walk(v.getChildAt(i))
    }
    walk(tagged(tag))
    return out.toString()
}
