package org.duet.app.ui

import android.content.Context
import android.graphics.Color
import android.graphics.Typeface
import android.text.InputType
import android.util.TypedValue
import android.view.Gravity
import android.view.View
import android.view.ViewGroup
import android.widget.Button
import android.widget.EditText
import android.widget.LinearLayout
import android.widget.ScrollView
import android.widget.Switch
import android.widget.TextView
import org.duet.app.Strings
import org.duet.app.model.UiError

/** The few widgets every screen is built from, in code on framework widgets. */
object Views {
    const val ERROR_COLOR = 0xFFB00020.toInt()
    const val WARNING_COLOR = 0xFF8A5A00.toInt()
    const val MUTED_COLOR = 0xFF5F6368.toInt()
    const val ACCENT_COLOR = 0xFF1A73E8.toInt()

    fun dp(context: Context, value: Int): Int =
        TypedValue.applyDimension(TypedValue.COMPLEX_UNIT_DIP, value.toFloat(), context.resources.displayMetrics).toInt()

    fun column(context: Context, padding: Int = 16): LinearLayout = LinearLayout(context).apply {
        orientation = LinearLayout.VERTICAL
        val p = dp(context, padding)
        setPadding(p, p, p, p)
    }

    fun row(context: Context): LinearLayout = LinearLayout(context).apply {
        orientation = LinearLayout.HORIZONTAL
        gravity = Gravity.CENTER_VERTICAL
    }

    fun scroll(context: Context, child: View): ScrollView = ScrollView(context).apply {
        isFillViewport = true
        addView(child, ViewGroup.LayoutParams(ViewGroup.LayoutParams.MATCH_PARENT, ViewGroup.LayoutParams.WRAP_CONTENT))
    }

    fun text(context: Context, value: String, sizeSp: Float = 16f, bold: Boolean = false, color: Int = Color.BLACK, tag: String? = null) =
        TextView(context).apply {
            text = value
            setTextSize(TypedValue.COMPLEX_UNIT_SP, sizeSp)
            setTextColor(color)
            if (bold) setTypeface(typeface, Typeface.BOLD)
            this.tag = tag
        }

    fun title(context: Context, value: String) = text(context, value, sizeSp = 22f, bold = true).apply {
        setPadding(0, 0, 0, dp(context, 8))
    }

    fun heading(context: Context, value: String) = text(context, value, sizeSp = 18f, bold = true).apply {
        setPadding(0, dp(context, 16), 0, dp(context, 4))
    }

    fun button(context: Context, label: String, tag: String? = null, onClick: () -> Unit) = Button(context).apply {
        text = label
        isAllCaps = false
        this.tag = tag
        setOnClickListener { onClick() }
    }

    fun field(context: Context, hint: String, tag: String? = null, password: Boolean = false, monospace: Boolean = false) =
        EditText(context).apply {
            this.hint = hint
            this.tag = tag
            isSingleLine = true
            inputType = if (password) InputType.TYPE_CLASS_TEXT or InputType.TYPE_TEXT_VARIATION_PASSWORD
            else InputType.TYPE_CLASS_TEXT or InputType.TYPE_TEXT_FLAG_NO_SUGGESTIONS
            if (monospace) typeface = Typeface.MONOSPACE
        }

    fun switch(context: Context, label: String, tag: String, checked: Boolean, onChange: (Boolean) -> Unit) = Switch(context).apply {
        text = label
        this.tag = tag
        isChecked = checked
        setTextSize(TypedValue.COMPLEX_UNIT_SP, 16f)
        setPadding(0, dp(context, 8), 0, dp(context, 8))
        setOnCheckedChangeListener { _, on -> onChange(on) }
    }

    /** The core's code and sentence, the catalogue's next step, and that nothing was lost. */
    fun errorBox(context: Context, error: UiError, nothingLost: Boolean = true): LinearLayout = column(context, padding = 8).apply {
        tag = "error"
        setBackgroundColor(0xFFFDECEA.toInt())
        addView(text(context, Strings.errorLine(error.code, error.sentence), color = ERROR_COLOR, tag = "error-line"))
        error.nextStep?.let { addView(text(context, Strings.nextStep(it), color = Color.BLACK, tag = "error-next")) }
        if (nothingLost) addView(text(context, Strings.NOTHING_LOST, sizeSp = 14f, color = MUTED_COLOR))
    }

    fun wrap() = LinearLayout.LayoutParams(ViewGroup.LayoutParams.WRAP_CONTENT, ViewGroup.LayoutParams.WRAP_CONTENT)
    fun fill() = LinearLayout.LayoutParams(ViewGroup.LayoutParams.MATCH_PARENT, ViewGroup.LayoutParams.WRAP_CONTENT)
    fun weight() = LinearLayout.LayoutParams(0, ViewGroup.LayoutParams.WRAP_CONTENT, 1f)
}
